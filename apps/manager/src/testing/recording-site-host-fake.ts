/**
 * A FAKE of the orchestrator and router as the operations worker calls them (Components["host"]): it records each call
 * and answers after `delayMs`, for tests of how operations reach workers (the queue, the turns, a worker's death),
 * where the machines' own work is beside the point and is tested against the real components elsewhere.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Components } from "../adapters/components.js";

export interface RecordedHostCall {
  method: string;
  /** the site id the call was about, when its first argument names one */
  siteId: number | null;
  /** which worker made it (the fake's label) */
  by: string;
}

/** A host whose every method records its call in `calls` (shared between fakes to count calls across workers). */
export function recordingSiteHostFake(options: {
  label: string;
  calls: RecordedHostCall[];
  delayMs?: number;
  /** awaited before answering a call; a test holds a call here (a worker that hangs, then dies) */
  gate?: (call: RecordedHostCall) => Promise<void> | undefined;
}): Components["host"] {
  const record =
    (method: string) =>
    async (...args: unknown[]): Promise<never> => {
      const first = args[0];
      const siteId =
        typeof first === "number"
          ? first
          : typeof first === "object" && first !== null && "id" in first && typeof first.id === "number"
            ? first.id
            : null;
      const call = { method, siteId, by: options.label };
      options.calls.push(call);
      await options.gate?.(call);
      if (options.delayMs) await sleep(options.delayMs);
      return (method === "buildSiteImage" ? { image: "fake", reused: true } : undefined) as never;
    };
  const methods = [
    "ensureDirectories",
    "removeDirectories",
    "upsertBalancer",
    "removeBalancer",
    "upsertRoute",
    "removeRoute",
    "removeLegacyRoute",
    "upsertService",
    "removeService",
    "removeImages",
    "restartService",
    "buildSiteImage",
    "writeRunScript",
    "copySiteFiles",
    "setRedirects",
    "issueCertificate",
    "removeCertificate",
  ] as const satisfies ReadonlyArray<keyof Components["host"]>;
  return Object.fromEntries(methods.map((method) => [method, record(method)])) as unknown as Components["host"];
}
