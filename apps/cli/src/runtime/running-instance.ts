/**
 * What a running `director up` tells the other `director` commands (reconcile) about itself: where its internal APIs
 * listen and the site settings its worker uses, kept 0600 in `<data>/run/` while it runs and removed when it stops.
 * The tokens stay in secrets.json; this file holds no secret.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "@director/host/atomic-write";
import { z } from "zod";

export const runningInstanceSchema = z.object({
  orchestratorUrl: z.string().url(),
  routerUrl: z.string().url(),
  /** the manager's site settings, so that a reconcile expects exactly what the running worker writes */
  sites: z.object({ domain: z.string(), clientBodyLimitBytes: z.number().int().min(0) }),
  /** Director's own host (DIRECTOR_PUBLIC_HOST): its certificate is no site's, and no leftover either */
  publicHost: z.string().default(""),
});
export type RunningInstance = z.infer<typeof runningInstanceSchema>;

export function runningInstanceFile(dataDir: string): string {
  return path.join(dataDir, "run", "instance.json");
}

export async function writeRunningInstance(dataDir: string, instance: RunningInstance): Promise<void> {
  await writeFileAtomic(runningInstanceFile(dataDir), `${JSON.stringify(instance, null, 2)}\n`, { mode: 0o600 });
}

/** The running instance's file, or null when there is none (not started yet, or stopped). */
export async function readRunningInstance(dataDir: string): Promise<RunningInstance | null> {
  let text: string;
  try {
    text = await readFile(runningInstanceFile(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return runningInstanceSchema.parse(JSON.parse(text));
}
