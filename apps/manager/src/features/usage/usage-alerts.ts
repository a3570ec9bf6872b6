/**
 * Tells a site's members when its use needs them (issue 15; the worker role): a site that answered mostly server
 * errors over the last hour, a process that held nearly all of its memory limit (the kernel kills it at the limit).
 * Each alert is logged and mailed to the site's members through the outbox, at most once a day per site and kind
 * (claimed in the database, so two workers never send one twice); Prometheus sees how many sites were alerted
 * (director_usage_alerts).
 */
import { diskWarningShare } from "@director/contracts/manager-routes-usage";
import type { UsageAlertCandidate, UsageAlertKind, UsageAlertsRepository } from "@director/db/usage-alerts.repository";
import type { NewOutboxMail } from "@director/domain/outbox-mail";
import type { Logger } from "pino";
import { PollingLoop } from "../../adapters/polling-loop.js";
import { InProcessWakeup, type Wakeup } from "../../adapters/wakeup.js";

export interface UsageAlertsOptions {
  intervalMs: number;
  /** the stretch of use looked at, ending now */
  windowMs: number;
  /** fewer requests than this in the window are no pattern */
  minRequests: number;
  /** the share of 5xx answers that makes a site "mostly failing" */
  errorShare: number;
  /** the share of its memory limit that makes a process "at its limit" */
  memoryShare: number;
  /** the share of its disk quota that makes a site "nearly full" */
  diskShare: number;
  /** crashes in the window that make a process "restarting in a loop" */
  minCrashes: number;
  /** kills for memory in the window that make it "killed for memory repeatedly" */
  minOomKills: number;
  /** how long a site is not told again of the same kind */
  quietMs: number;
}

export const defaultUsageAlertsOptions: UsageAlertsOptions = {
  intervalMs: 5 * 60_000,
  windowMs: 3600_000,
  minRequests: 20,
  errorShare: 0.5,
  memoryShare: 0.95,
  diskShare: diskWarningShare,
  minCrashes: 3,
  minOomKills: 2,
  quietMs: 24 * 3600_000,
};

export interface UsageAlertsDeps {
  alerts: Pick<UsageAlertsRepository, "candidates" | "claim" | "memberEmails">;
  outbox: { enqueue(mail: NewOutboxMail): Promise<unknown> };
  mailWakeup: Wakeup;
  log: Pick<Logger, "warn">;
  options: UsageAlertsOptions;
  now?: () => Date;
}

export class UsageAlerts {
  readonly #deps: UsageAlertsDeps;
  readonly #loop: PollingLoop;

  constructor(deps: UsageAlertsDeps) {
    this.#deps = deps;
    this.#loop = new PollingLoop({
      pass: async () => {
        await this.run((deps.now ?? (() => new Date()))());
        return { hasMore: false };
      },
      wakeup: new InProcessWakeup(),
      intervalMs: deps.options.intervalMs,
      onError: (error) => deps.log.warn({ err: error }, "could not check sites' use for alerts; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Finds what needs telling, claims it, logs and mails it; answers the alerts sent. */
  async run(now: Date): Promise<UsageAlertCandidate[]> {
    const { options } = this.#deps;
    const candidates = await this.#deps.alerts.candidates({
      since: new Date(now.getTime() - options.windowMs),
      minRequests: options.minRequests,
      errorShare: options.errorShare,
      memoryShare: options.memoryShare,
      diskShare: options.diskShare,
      minCrashes: options.minCrashes,
      minOomKills: options.minOomKills,
    });
    const sent: UsageAlertCandidate[] = [];
    for (const candidate of candidates) {
      if (!(await this.#deps.alerts.claim(candidate, now, options.quietMs))) continue;
      sent.push(candidate);
      this.#deps.log.warn(
        { site: candidate.siteName, kind: candidate.kind, details: candidate.details },
        "a site's use needs its members",
      );
      const to = await this.#deps.alerts.memberEmails(candidate.siteId);
      if (to.length > 0) await this.#deps.outbox.enqueue(usageAlertMail(candidate, to));
    }
    if (sent.length > 0) this.#deps.mailWakeup.notify();
    return sent;
  }
}

/** What each alert tells a site's members, in words they can act on. */
const adviceFor: Record<UsageAlertKind, (siteName: string) => { subject: string; advice: string[] }> = {
  server_errors: (siteName) => ({
    subject: `Director: your site ${siteName} answers mostly with errors`,
    advice: [
      "Visitors get an error page. The site's process log (on the site page, or in the workspace) usually says why:",
      "a crash at start, a missing package, a database it cannot reach.",
    ],
  }),
  memory_limit: (siteName) => ({
    subject: `Director: your site ${siteName} is at its memory limit`,
    advice: [
      "A process that reaches its limit is stopped by the system and started again, and visitors wait meanwhile.",
      "Look for what grows (a cache, a list kept in memory), or ask an administrator for a higher limit.",
    ],
  }),
  restart_loop: (siteName) => ({
    subject: `Director: your site ${siteName} keeps crashing`,
    advice: [
      "Each time it stops, it is started again, and visitors get errors meanwhile. Its process log (on the site page)",
      "shows what it printed before it stopped: an error at start, a missing file or package, a port other than $PORT.",
    ],
  }),
  oom_killed: (siteName) => ({
    subject: `Director: your site ${siteName} keeps running out of memory`,
    advice: [
      "The system stops a process that reaches its memory limit; it is started again, and visitors wait meanwhile.",
      "Look for what grows (a cache, a list kept in memory), or ask an administrator for a higher limit.",
    ],
  }),
  disk_quota: (siteName) => ({
    subject: `Director: your site ${siteName} is nearly out of disk space`,
    advice: [
      "Once it is full, nothing more can be written there: uploads, saves in the workspace and the site's own process",
      "all fail. Delete what it no longer needs (old uploads, logs, caches), or ask an administrator for a larger quota.",
    ],
  }),
};

/** The message to a site's members, in words they can act on. */
export function usageAlertMail(alert: UsageAlertCandidate, to: readonly string[]): NewOutboxMail {
  const what = adviceFor[alert.kind](alert.siteName);
  return {
    to,
    subject: what.subject,
    text: [
      alert.kind === "disk_quota" ? `Now ${alert.details}.` : `In the last hour, ${alert.details}.`,
      "",
      ...what.advice,
      "",
      "You get this at most once a day per site; the site page shows its graphs.",
    ].join("\n"),
  };
}
