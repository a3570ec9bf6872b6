import { routerApi } from "@director/contracts/router-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { Certificates } from "../core/certificates.js";

/** A custom domain's certificate (contracts/router-api.ts): made sure of, removed, and all of them read back. */
export function registerCertificateRoutes(app: FastifyInstance, deps: { certificates: Certificates }): void {
  const { certificates } = deps;
  registerRoute(app, routerApi.issueCertificate, async ({ params, body }) =>
    certificates.ensure(params.domain, body.renewWithinDays),
  );
  registerRoute(app, routerApi.removeCertificate, async ({ params }) => {
    await certificates.remove(params.domain);
  });
  registerRoute(app, routerApi.certificateInventory, async () => ({ certificates: await certificates.inventory() }));
}
