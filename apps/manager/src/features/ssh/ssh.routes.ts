import { type SshKeyView, sshRoutes } from "@director/contracts/manager-routes-ssh";
import type { SshKeyRecord } from "@director/domain/ssh-key";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { ShellServerService } from "./shell-server.service.js";
import type { SshKeysService } from "./ssh-keys.service.js";

/**
 * GET /api/ssh (where and how to connect), and the caller's own keys: GET /api/account/ssh-keys, POST (label and one
 * public key line), DELETE /api/account/ssh-keys/:id. Everyone logged in; each person sees and changes only their own.
 */
export function registerSshRoutes(
  app: FastifyInstance,
  deps: { sshKeys: SshKeysService; shellServer: ShellServerService },
): void {
  const { sshKeys, shellServer } = deps;
  registerApiRoute(app, sshRoutes.info, async ({ request }) => shellServer.info(request.hostname));
  registerApiRoute(app, sshRoutes.listKeys, async ({ actor }) => ({
    keys: (await sshKeys.list(actor)).map(presentSshKey),
  }));
  registerApiRoute(app, sshRoutes.addKey, async ({ actor, body }) => presentSshKey(await sshKeys.add(actor, body)));
  registerApiRoute(app, sshRoutes.removeKey, async ({ actor, params }) => {
    await sshKeys.remove(actor, params.id);
  });
}

/** A key as its owner sees it: never the key itself, its fingerprint. */
function presentSshKey(key: SshKeyRecord): SshKeyView {
  return {
    id: key.id,
    label: key.label,
    algorithm: key.algorithm as SshKeyView["algorithm"],
    fingerprint: key.fingerprint,
    bits: key.bits,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
