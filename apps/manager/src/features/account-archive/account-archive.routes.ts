import { accountRoutes } from "@director/contracts/manager-routes-account";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { sendDownload } from "../../http/send-download.js";
import type { AccountArchiveService } from "./account-archive.service.js";

/** GET /api/account/archive: the caller's sites as one zip, streamed once the orchestrator has planned every site. */
export function registerAccountArchiveRoutes(app: FastifyInstance, deps: { archive: AccountArchiveService }): void {
  registerApiRoute(app, accountRoutes.archive, async ({ actor, reply }) => {
    const { fileName, body } = await deps.archive.archive(actor, signalWhenClientGoes(reply.raw));
    await sendDownload(reply, { fileName, contentType: "application/zip", body });
  });
}
