/**
 * Readiness checks: each a named probe that resolves when what it needs answers and throws (with a message that
 * says what) when not, run together with a time limit each, so that one hung dependency is reported as such rather
 * than hanging the probe.
 */
import type { Readiness } from "@director/contracts/internal-health";

export type ReadinessChecks = Readonly<Record<string, () => Promise<void>>>;

const checkTimeoutMs = 3_000;

export async function checkReadiness(component: string, checks: ReadinessChecks): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
          }),
        ]);
        return [name, { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, problem: error instanceof Error ? error.message : String(error) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, result]) => result.ok), component, checks: Object.fromEntries(entries) };
}
