/**
 * What a supervisor and Prometheus see of the shell server (DIRECTOR_SHELL_PROBE_PORT): /readyz checks that the SSH
 * listener listens and that the manager, which every login goes through, answers; /metrics (DIRECTOR_METRICS_TOKEN)
 * counts open connections, refused ones and logins, beside the process's own series.
 */
import type { ComponentMetrics } from "@director/http-kit/component-metrics";
import type { ReadinessChecks } from "@director/http-kit/readiness";
import { Counter, Gauge } from "prom-client";
import type { SshServerObserver } from "../ssh/ssh-server.js";

export class ShellMetrics implements SshServerObserver {
  readonly #refused: Counter;
  readonly #logins: Counter;
  #server: { readonly connectionCount: number } | undefined;

  constructor(metrics: ComponentMetrics) {
    const registers = [metrics.registry];
    const open = () => this.#server?.connectionCount ?? 0;
    new Gauge({
      name: "director_shell_connections",
      help: "SSH connections open now, logged in or not yet",
      registers,
      collect() {
        this.set(open());
      },
    });
    this.#refused = new Counter({
      name: "director_shell_connections_refused_total",
      help: "SSH connections closed at once: too many open, in all (DIRECTOR_SHELL_MAX_CONNECTIONS) or from one address",
      registers,
    });
    this.#logins = new Counter({
      name: "director_shell_logins_total",
      help: "SSH logins that succeeded (failed ones are counted by the manager's login limits)",
      registers,
    });
  }

  /** The server whose open connections the gauge reads at each scrape (it is made with this observer). */
  watch(server: { readonly connectionCount: number }): void {
    this.#server = server;
  }

  connectionRefused(): void {
    this.#refused.inc();
  }

  loggedIn(): void {
    this.#logins.inc();
  }
}

/** The shell server is ready while its SSH listener listens and the manager answers its liveness probe. */
export function shellReadiness(server: { readonly isListening: boolean }, managerUrl: string): ReadinessChecks {
  return {
    ssh: async () => {
      if (!server.isListening) throw new Error("the SSH server is not listening");
    },
    manager: async () => {
      let status: number;
      try {
        status = (await fetch(new URL("/healthz", managerUrl), { signal: AbortSignal.timeout(2_500) })).status;
      } catch (error) {
        throw new Error(`the manager did not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (status !== 200) throw new Error(`the manager answered ${status}`);
    },
  };
}
