import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./director-process.js";

/** One `director <component>` process, as production runs them, configured only by its environment. */
export class ComponentProcess {
  readonly #child: ChildProcess;
  #output = "";

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout?.on("data", (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.#output += chunk.toString()));
  }

  /**
   * Starts the component; when `healthUrl` is given, resolves once it answers there. `built`: the program npm run
   * build made (dist/<component>/<component>.mjs, plain node), as production runs it; else `director <component>`.
   */
  static async start(
    component: "manager" | "worker" | "orchestrator" | "router" | "shell",
    env: NodeJS.ProcessEnv,
    healthUrl?: string,
    options: { built?: boolean } = {},
  ): Promise<ComponentProcess> {
    const [command, args] = options.built
      ? [process.execPath, [path.join(repoRoot, "dist", component, `${component}.mjs`)]]
      : [path.join(repoRoot, "director"), [component]];
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = new ComponentProcess(child);
    if (healthUrl) await started.#waitForHealth(healthUrl);
    return started;
  }

  get output(): string {
    return this.#output;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async #waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) break;
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} did not become healthy:\n${this.#output}`);
  }

  /** Sends `signal` (SIGKILL to simulate a crash) and waits for the process to end. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    this.#child.kill(signal);
    await exited;
  }
}
