/**
 * bench/ssh's sessions: `sessions` SSH sessions with a terminal, session i as `usernameOf(i)` (so spread over the
 * sites), opened at once (each is ready when its shell has printed its prompt and run a command), then held, each
 * typing a line every `intervalMs` and waiting for its echo (terminal-load.ts's paceRoundTrips, as the web terminals'
 * bench does), then checked (every shell still runs a command) and closed. Baselines at the same time: a few `docker
 * exec` shells in the same terminal containers, and a few sessions echoing on the bare ssh2 server. Every way a
 * session goes wrong is kept: a failed login or channel, an error event, a close nobody asked for, a missing echo.
 */
import type Docker from "dockerode";
import { withForeignCpu } from "./foreign-cpu.js";
import { withCpuByComponent } from "./process-cpu.js";
import { openPtySession, type PtySession, type SshTarget, spread } from "./ssh-load.js";
import { checkShellRuns, type EchoingTerminal, openDirectShell, paceRoundTrips } from "./terminal-load.js";

export interface SessionLoadOptions {
  director: SshTarget;
  bare: SshTarget;
  sessions: number;
  holdMs: number;
  intervalMs: number;
  directorPid: number;
  /** the installation's running terminal containers */
  terminalContainers(): Promise<Docker.Container[]>;
  say(line: string): void;
}

const readyTimeoutMs = 120_000;
const roundTripTimeoutMs = 10_000;
const baselineCount = 4;

interface SessionRecord {
  tag: string;
  username: string;
  session: PtySession | null;
  promptMs: number | null;
  readyMs: number | null;
  roundTripsMs: number[];
  problems: string[];
  isClosing: boolean;
  isClosed: boolean;
}

/** Opens `count` sessions at once; each record says when it was ready, or what went wrong. */
async function openAll(target: SshTarget, count: number, tagPrefix: string, hasShell: boolean) {
  const records: SessionRecord[] = Array.from({ length: count }, (_, index) => ({
    tag: `${tagPrefix}${index}`,
    username: target.usernameOf(index),
    session: null,
    promptMs: null,
    readyMs: null,
    roundTripsMs: [],
    problems: [],
    isClosing: false,
    isClosed: false,
  }));
  await Promise.all(
    records.map(async (record, index) => {
      const started = performance.now();
      try {
        const session = await openPtySession(target, index);
        record.session = session;
        session.client.on("error", (error) => record.problems.push(`client: ${error.message}`));
        session.channel.on("close", () => {
          record.isClosed = true;
          if (!record.isClosing) record.problems.push("channel closed unasked");
        });
        if (hasShell) {
          await session.terminal.waitForOutput(/\S/, { from: 0, timeoutMs: readyTimeoutMs });
          record.promptMs = performance.now() - started;
          if (await checkShellRuns(session.terminal, record, readyTimeoutMs)) {
            record.readyMs = performance.now() - started;
          }
        } else {
          const from = session.terminal.output().length;
          session.terminal.type(`${record.tag}ready\r`);
          await session.terminal.waitForOutput(new RegExp(`${record.tag}ready`), { from, timeoutMs: readyTimeoutMs });
          record.readyMs = performance.now() - started;
        }
      } catch (error) {
        record.problems.push(`open: ${(error as Error).message}`);
      }
    }),
  );
  return records;
}

async function closeAll(records: SessionRecord[]): Promise<void> {
  await Promise.all(
    records.map(async (record) => {
      record.isClosing = true;
      const client = record.session?.client;
      if (client === undefined) return;
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      client.end();
      await closed;
    }),
  );
}

export async function holdSessions(options: SessionLoadOptions) {
  const { say } = options;
  say(`opening ${options.sessions} SSH sessions with a pty at once`);
  const openStarted = performance.now();
  const opened = await withCpuByComponent(options.directorPid, () =>
    openAll(options.director, options.sessions, "s", true),
  );
  const allReadyS = (performance.now() - openStarted) / 1000;
  const records = opened.result;
  const ready = records.filter((record) => record.readyMs !== null);
  say(`${ready.length} ready in ${allReadyS.toFixed(1)} s`);

  say(`baseline: ${options.sessions} sessions on the bare ssh2 server at once`);
  const bareStarted = performance.now();
  const bareRecords = await openAll(options.bare, options.sessions, "b", false);
  const bareAllReadyS = (performance.now() - bareStarted) / 1000;
  await closeAll(bareRecords.slice(baselineCount));
  const bareHeld = bareRecords.slice(0, baselineCount).filter((record) => record.readyMs !== null);

  const containers = await options.terminalContainers();
  const direct = await Promise.all(
    containers.slice(0, baselineCount).map(async (container, index) => ({
      terminal: await openDirectShell(container),
      record: { tag: `d${index}`, roundTripsMs: [] as number[], problems: [] as string[] },
    })),
  );

  say(
    `holding ${ready.length} sessions (and ${direct.length} docker exec shells, ${bareHeld.length} bare ones) ` +
      `for ${options.holdMs / 1000} s, a line every ${options.intervalMs} ms`,
  );
  const untilMs = performance.now() + options.holdMs;
  const pace = { untilMs, intervalMs: options.intervalMs, timeoutMs: roundTripTimeoutMs };
  const held = (record: SessionRecord) =>
    paceRoundTrips(record.session?.terminal as EchoingTerminal, record, { ...pace, isOver: () => record.isClosed });
  const holdStarted = performance.now();
  const holding = await withForeignCpu(() =>
    withCpuByComponent(options.directorPid, () =>
      Promise.all([
        ...ready.map(held),
        ...bareHeld.map(held),
        ...direct.map(({ terminal, record }) => paceRoundTrips(terminal, record, { ...pace, isOver: () => false })),
      ]),
    ),
  );
  const holdS = (performance.now() - holdStarted) / 1000;
  const answering = await Promise.all(
    ready.map((record) => checkShellRuns(record.session?.terminal as EchoingTerminal, record, roundTripTimeoutMs)),
  );
  for (const { terminal } of direct) terminal.close();
  say("closing every session");
  await closeAll([...records, ...bareHeld]);

  const problems = records.flatMap((record) => record.problems.map((problem) => `${record.tag}: ${problem}`));
  const cores = (ms: number, seconds: number) => Number((ms / 1000 / seconds).toFixed(2));
  return {
    sessions: options.sessions,
    sites: new Set(records.map((record) => record.username)).size,
    open: {
      ready: ready.length,
      allReadyS: Number(allReadyS.toFixed(1)),
      loggedInMs: spread(ready.map((record) => record.session?.loggedInMs ?? 0)),
      channelMs: spread(ready.map((record) => record.session?.channelMs ?? 0)),
      promptMs: spread(ready.map((record) => record.promptMs ?? 0)),
      readyMs: spread(ready.map((record) => record.readyMs ?? 0)),
      directorCores: cores(opened.cpuMs.director + opened.cpuMs.postgres, allReadyS),
      bareAllReadyS: Number(bareAllReadyS.toFixed(1)),
      bareReadyMs: spread(bareRecords.flatMap((record) => (record.readyMs === null ? [] : [record.readyMs]))),
      bareProblems: bareRecords.flatMap((record) => record.problems).slice(0, 5),
    },
    hold: {
      seconds: Number(holdS.toFixed(1)),
      intervalMs: options.intervalMs,
      roundTrips: ready.reduce((sum, record) => sum + record.roundTripsMs.length, 0),
      roundTripMs: spread(ready.flatMap((record) => record.roundTripsMs)),
      dockerExec: {
        shells: direct.length,
        roundTrips: direct.reduce((sum, { record }) => sum + record.roundTripsMs.length, 0),
        roundTripMs: spread(direct.flatMap(({ record }) => record.roundTripsMs)),
        problems: direct.flatMap(({ record }) => record.problems).slice(0, 5),
      },
      bareEcho: {
        sessions: bareHeld.length,
        roundTrips: bareHeld.reduce((sum, record) => sum + record.roundTripsMs.length, 0),
        roundTripMs: spread(bareHeld.flatMap((record) => record.roundTripsMs)),
        problems: bareHeld.flatMap((record) => record.problems).slice(0, 5),
      },
      directorCores: cores(holding.result.cpuMs.director + holding.result.cpuMs.postgres, holdS),
      otherCores: Number(holding.foreignCores.toFixed(2)),
    },
    shellsRunningCommandsAfterHold: answering.filter(Boolean).length,
    errors: { count: problems.length, sessionsWithErrors: records.filter((r) => r.problems.length > 0).length },
    firstErrors: problems.slice(0, 10),
  };
}
