/**
 * Web terminals under load, as a class uses them: many sessions opened at once, then each typing a short line at a
 * steady pace and waiting for its echo (a keystroke's round trip: bench → manager → orchestrator → docker exec → the
 * shell's pty, and back). Every way a session can go wrong is kept as a problem: a refused upgrade, no ready status, a
 * close nobody asked for (with the error message before it), an echo that does not come.
 */
import type { Duplex } from "node:stream";
import { openTerminalTestClient, type TerminalTestClient } from "@director/testing/terminal-client";
import type Docker from "dockerode";

/** What a round trip needs of a terminal: a TerminalTestClient, or a shell the bench started itself. */
export interface EchoingTerminal {
  output(): string;
  type(text: string): void;
  waitForOutput(pattern: RegExp, options: { from: number; timeoutMs: number }): Promise<string>;
}

/** One session of the load: its client once open, when it was ready, its round trips and what went wrong. */
export interface LoadSession {
  tag: string;
  site: string;
  client: TerminalTestClient | null;
  readyMs: number | null;
  roundTripsMs: number[];
  problems: string[];
  /** set before the bench closes it: a close after this is no problem */
  isClosing: boolean;
}

/**
 * Opens `count` sessions at once, session i on site i mod sites.length; each resolves when ready or failed (its
 * problem kept), so the result holds every session.
 */
export async function openSessions(options: {
  urlOf(site: string): string;
  headers: Record<string, string>;
  sites: readonly string[];
  count: number;
  readyTimeoutMs: number;
}): Promise<LoadSession[]> {
  const sessions: LoadSession[] = Array.from({ length: options.count }, (_, index) => ({
    tag: `s${index}`,
    site: options.sites[index % options.sites.length] ?? "",
    client: null,
    readyMs: null,
    roundTripsMs: [],
    problems: [],
    isClosing: false,
  }));
  await Promise.all(
    sessions.map(async (session) => {
      const started = performance.now();
      try {
        const client = await openTerminalTestClient(options.urlOf(session.site), options.headers);
        session.client = client;
        // ws emits an error (a broken frame, a reset connection) before its close: without a listener, it would throw.
        client.socket.on("error", (error) => session.problems.push(`socket: ${error.message}`));
        void client.closed.then(({ code, reason }) => {
          if (session.isClosing) return;
          const said = client.messages().filter((message) => message.type === "error" || message.type === "exit");
          session.problems.push(`closed ${code} ${reason} ${JSON.stringify(said)}`);
        });
        await client.waitForReady(options.readyTimeoutMs);
        session.readyMs = performance.now() - started;
      } catch (error) {
        session.problems.push(`open: ${(error as Error).message}`);
      }
    }),
  );
  return sessions;
}

/**
 * Until `untilMs` (performance.now()), every `intervalMs` from a random start within the first interval (so the
 * sessions do not type in step): types `: <marker>` and Enter (`:` does nothing) and waits for the marker's echo.
 * A round trip slower than the interval delays the next one instead of bunching them up.
 */
export async function paceRoundTrips(
  terminal: EchoingTerminal,
  record: Pick<LoadSession, "tag" | "roundTripsMs" | "problems">,
  options: { untilMs: number; intervalMs: number; timeoutMs: number; isOver(): boolean },
): Promise<void> {
  let due = performance.now() + Math.random() * options.intervalMs;
  for (let sequence = 0; due < options.untilMs && !options.isOver(); sequence++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const marker = `${record.tag}x${sequence}e`;
    const from = terminal.output().length;
    const started = performance.now();
    terminal.type(`: ${marker}\r`);
    try {
      await terminal.waitForOutput(new RegExp(marker), { from, timeoutMs: options.timeoutMs });
      record.roundTripsMs.push(performance.now() - started);
    } catch (error) {
      record.problems.push(`round trip ${sequence}: ${(error as Error).message}`);
      if (options.isOver()) return;
    }
    due = Math.max(due + options.intervalMs, performance.now());
  }
}

/** Whether the shell still runs commands: `$((40+2))` becomes 42 only when it is run, never in the typed echo. */
export async function checkShellRuns(
  terminal: EchoingTerminal,
  record: Pick<LoadSession, "tag" | "problems">,
  timeoutMs: number,
): Promise<boolean> {
  const from = terminal.output().length;
  terminal.type(`echo "${record.tag}:$((40+2))"\r`);
  try {
    await terminal.waitForOutput(new RegExp(`${record.tag}:42`), { from, timeoutMs });
    return true;
  } catch (error) {
    record.problems.push(`command: ${(error as Error).message}`);
    return false;
  }
}

/**
 * A shell started by `docker exec` straight from the bench in a running container (as the orchestrator starts its
 * shells: a TTY, bash when there is one): the terminal without Director's two relays, for a baseline.
 */
export async function openDirectShell(container: Docker.Container): Promise<EchoingTerminal & { close(): void }> {
  const exec = await container.exec({
    Cmd: ["/bin/sh", "-c", "if [ -x /bin/bash ]; then exec /bin/bash; fi; exec /bin/sh"],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    WorkingDir: "/site",
    Env: ["TERM=xterm-256color"],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  stream.on("error", () => undefined); // the container removed under it: the round trips say so
  return {
    ...echoingTerminalOf(stream),
    // `exit` ends the shell: Docker would leave it running when only its connection closes.
    close: () => {
      stream.end("exit\r");
    },
  };
}

/** A terminal over any byte stream (a `docker exec` hijack, an SSH channel): what it printed, typing, waiting. */
export function echoingTerminalOf(stream: Duplex): EchoingTerminal {
  let text = "";
  const waiters = new Set<() => void>();
  const decoder = new TextDecoder();
  stream.on("data", (chunk: Buffer) => {
    text += decoder.decode(chunk, { stream: true });
    for (const waiter of [...waiters]) waiter();
  });
  return {
    output: () => text,
    type: (keys) => {
      stream.write(Buffer.from(keys, "utf8"));
    },
    waitForOutput: (pattern, { from, timeoutMs }) =>
      new Promise((resolve, reject) => {
        const attempt = () => {
          if (!pattern.test(text.slice(from))) return;
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(text.slice(from));
        };
        const timer = setTimeout(() => {
          waiters.delete(attempt);
          reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(attempt);
        attempt();
      }),
  };
}

/**
 * The baseline of opening: containers made like `template` (one of Director's terminal containers, inspected), one
 * per entry of `shellsPerContainer`, created and started at once straight from the bench, then that many shells
 * exec'd in each, at once: the time from each container's creation to each of its shells. Labelled `labels` (never as
 * a terminal: the orchestrator must not take them for its own); removed after.
 */
export async function startContainersLike(
  docker: Docker,
  template: Docker.ContainerInspectInfo,
  shellsPerContainer: readonly number[],
  labels: Record<string, string>,
): Promise<number[]> {
  const made: Docker.Container[] = [];
  try {
    const perContainer = await Promise.all(
      shellsPerContainer.map(async (shells, index) => {
        const started = performance.now();
        const container = await docker.createContainer({
          name: `${template.Name.replace(/^\//, "")}-baseline-${index}`,
          Image: template.Config.Image,
          Cmd: template.Config.Cmd,
          Env: template.Config.Env,
          WorkingDir: template.Config.WorkingDir,
          User: template.Config.User,
          Labels: labels,
          HostConfig: template.HostConfig,
        });
        made.push(container);
        await container.start();
        return Promise.all(
          Array.from({ length: shells }, async () => {
            const shell = await openDirectShell(container);
            shell.close();
            return performance.now() - started;
          }),
        );
      }),
    );
    return perContainer.flat();
  } finally {
    await Promise.all(made.map((container) => container.remove({ force: true, v: true })));
  }
}
