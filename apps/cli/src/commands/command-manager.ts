/**
 * The manager, built by its own composition root (createManager), for a one-off command of the `director` CLI on the
 * command's database: creating an account, reconciling. The components are named only when the command reaches them
 * (reconcile); creating an account never calls them, so they are left at an address nothing answers.
 */
import type { DatabaseHandle } from "@director/db/database";
import { connectManagerAdapters, createManager, type Manager, managerConfigSchema } from "@director/manager";
import type { Logger } from "pino";

/** The internal APIs a command reaches, with the site settings its repairs use. */
export interface CommandComponents {
  orchestrator: { url: string; token: string };
  router: { url: string; token: string };
  sites: { domain: string; clientBodyLimitBytes: number };
  /** Director's own host, whose certificate reconcile keeps */
  publicHost?: string;
  /** the manager's DIRECTOR_SECRETS_KEY, which opens the database hosts' admin URLs (reconcile checks their databases) */
  secretsKey?: string;
}

/** Nothing listens on port 1: a call that was never meant to happen fails at once (COMPONENT_UNREACHABLE). */
const unreachableComponent = { url: "http://127.0.0.1:1", token: "unused-by-this-command-0123456789abcdef" };

export async function managerForCommand(
  db: DatabaseHandle,
  log: Logger,
  options: { guidelinesFilePath?: string | undefined; components?: CommandComponents },
): Promise<Manager> {
  const config = managerConfigSchema.parse({
    // The command opened the database itself (db): the URL is not used to connect.
    databaseUrl: "postgres://opened-by-the-command",
    orchestrator: options.components?.orchestrator ?? unreachableComponent,
    router: options.components?.router ?? unreachableComponent,
    ...(options.components ? { sites: options.components.sites } : {}),
    ...(options.components?.publicHost ? { domains: { publicHost: options.components.publicHost } } : {}),
    ...(options.components?.secretsKey ? { secrets: { key: options.components.secretsKey } } : {}),
    ...(options.guidelinesFilePath ? { guidelines: { filePath: options.guidelinesFilePath } } : {}),
  });
  return createManager(config, await connectManagerAdapters(config, { db, log }));
}
