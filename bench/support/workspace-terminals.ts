/**
 * bench/workspace's terminals section (issue 12: "hold 100 concurrent terminal sessions echoing input", target: "100
 * terminals held without an error"), on a running `director up` and one administrator's session:
 * 1. `sites` sites, then `sessions` terminals spread over them (session i on site i mod sites), opened at once: the
 *    time from each connection to its ready status, and until the last is ready; baseline (once the terminals' own
 *    containers are gone): as many containers made like theirs and as many shells in each, all started at once by
 *    the bench;
 * 2. held `holdS`, each typing a short line every `intervalMs` and waiting for its echo; beside them a few `docker
 *    exec` shells the bench starts itself in the same containers (the baseline: the same pty without Director's
 *    relays); then every shell must still run a command;
 * 3. memory (PSS, the peak of each component, sampled every second) of `director up`'s tree, the Docker engine and
 *    the terminal containers; CPU of each while opening and while holding;
 * 4. all closed, and the time until their containers are gone (the orchestrator removes one 60 s after its last
 *    shell): reported, not required.
 */
import { terminalSiteLabel } from "@director/orchestrator";
import Docker from "dockerode";
import type { ApiSession } from "../../e2e/support/api.js";
import type { DirectorProcess } from "../../e2e/support/director-process.js";
import { dockerMemoryMib, withDockerCpu } from "./docker-processes.js";
import { withForeignCpu } from "./foreign-cpu.js";
import { withCpuByComponent } from "./process-cpu.js";
import { memoryByComponent } from "./process-memory.js";
import {
  checkShellRuns,
  type LoadSession,
  openDirectShell,
  openSessions,
  paceRoundTrips,
  startContainersLike,
} from "./terminal-load.js";

export interface TerminalLoadOptions {
  sessions: number;
  sites: number;
  holdS: number;
  intervalMs: number;
  say(line: string): void;
}

const readyTimeoutMs = 120_000;
const roundTripTimeoutMs = 10_000;
const directShellCount = 4;
/** How long the bench waits for the containers to go after the last close: their 60 s, and some. */
const containersGoneTimeoutMs = 90_000;

export async function measureTerminals(director: DirectorProcess, admin: ApiSession, options: TerminalLoadOptions) {
  const { say } = options;
  const sectionStarted = performance.now();
  const directorPid = director.pid ?? 0;
  const docker = new Docker();
  const installationId = await director.installationId();
  const terminalContainers = () =>
    docker.listContainers({
      all: true,
      filters: { label: [terminalSiteLabel, `org.director.installation=${installationId}`] },
    });

  say(`creating ${options.sites} sites for terminals`);
  const siteNames = Array.from({ length: options.sites }, (_, index) => `term-${index + 1}`);
  for (let start = 0; start < siteNames.length; start += 8) {
    await Promise.all(
      siteNames.slice(start, start + 8).map(async (name) => {
        const created = await admin.request("POST", "/api/sites?wait=true", { json: { name } });
        if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text.slice(0, 300)}`);
      }),
    );
  }

  const memoryBefore = { ...(await memoryByComponent(directorPid)), dockerEngine: (await dockerMemoryMib([])).engine };
  const memory = sampleMemory(directorPid, terminalContainers, say);
  say(`opening ${options.sessions} terminals over ${options.sites} sites at once`);
  const openStarted = performance.now();
  const opening = await withCpuOfAll(directorPid, [], () =>
    openSessions({
      urlOf: (site) => `${director.managerUrl.replace(/^http/, "ws")}/api/sites/${site}/terminal?cols=80&rows=24`,
      headers: { authorization: `Bearer ${admin.token}` },
      sites: siteNames,
      count: options.sessions,
      readyTimeoutMs,
    }),
  );
  const openMs = performance.now() - openStarted;
  const sessions = opening.result;
  const ready = sessions.filter((session) => session.readyMs !== null);
  const containers = await terminalContainers();
  const containerIds = containers.map((container) => container.Id);
  const template = containers[0] === undefined ? null : await docker.getContainer(containers[0].Id).inspect();

  const direct = await Promise.all(
    containers.slice(0, directShellCount).map(async (container, index) => ({
      terminal: await openDirectShell(docker.getContainer(container.Id)),
      record: { tag: `d${index}`, roundTripsMs: [] as number[], problems: [] as string[] },
    })),
  );
  say(`holding ${ready.length} terminals (and ${direct.length} docker exec shells) for ${options.holdS} s`);
  const untilMs = performance.now() + options.holdS * 1000;
  const pace = { untilMs, intervalMs: options.intervalMs, timeoutMs: roundTripTimeoutMs };
  const holdStarted = performance.now();
  const holding = await withCpuOfAll(directorPid, containerIds, () =>
    Promise.all([
      ...ready.map((session) =>
        paceRoundTrips(session.client as NonNullable<LoadSession["client"]>, session, {
          ...pace,
          isOver: () => session.client?.socket.readyState !== session.client?.socket.OPEN,
        }),
      ),
      ...direct.map(({ terminal, record }) => paceRoundTrips(terminal, record, { ...pace, isOver: () => false })),
    ]),
  );
  const holdMs = performance.now() - holdStarted;
  const answering = await Promise.all(
    ready.map((session) =>
      checkShellRuns(session.client as NonNullable<LoadSession["client"]>, session, roundTripTimeoutMs),
    ),
  );
  for (const { terminal } of direct) terminal.close();
  const memoryPeak = await memory.stop();

  say("closing every terminal");
  for (const session of sessions) {
    for (const message of session.client?.messages() ?? []) {
      if (message.type === "error") session.problems.push(`error message: ${JSON.stringify(message)}`);
    }
    session.isClosing = true;
    session.client?.close();
  }
  await Promise.all(sessions.map((session) => session.client?.closed));
  const closedAt = performance.now();
  let left = (await terminalContainers()).length;
  while (left > 0 && performance.now() - closedAt < containersGoneTimeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    left = (await terminalContainers()).length;
  }
  const goneAfterS = left === 0 ? Number(((performance.now() - closedAt) / 1000).toFixed(1)) : null;

  say(`baseline: ${containers.length} containers like them and ${ready.length} shells in them, from the bench`);
  const baselineReadyMs =
    template === null
      ? []
      : await startContainersLike(docker, template, shellsPerSite(ready), {
          "org.director.installation": installationId ?? "",
          "org.director.bench": "terminal-baseline",
        });

  const problems = sessions.flatMap((session) => session.problems.map((problem) => `${session.tag}: ${problem}`));
  return {
    sites: options.sites,
    sessions: options.sessions,
    account: `one administrator, DIRECTOR_TERMINALS_PER_ACCOUNT=${Math.max(10, options.sessions)}`,
    sectionS: Number(((performance.now() - sectionStarted) / 1000).toFixed(1)),
    open: {
      ready: ready.length,
      allSettledS: Number((openMs / 1000).toFixed(1)),
      readyMs: spread(ready.map((session) => session.readyMs ?? 0)),
      ...readyBySite(ready),
      baselineDockerRun: {
        containers: containers.length,
        shells: baselineReadyMs.length,
        allSettledS: Number((Math.max(0, ...baselineReadyMs) / 1000).toFixed(1)),
        shellMs: spread(baselineReadyMs),
      },
      cpuCores: opening.cores,
    },
    hold: {
      seconds: Number((holdMs / 1000).toFixed(1)),
      intervalMs: options.intervalMs,
      roundTrips: ready.reduce((sum, session) => sum + session.roundTripsMs.length, 0),
      roundTripMs: spread(ready.flatMap((session) => session.roundTripsMs)),
      baselineDockerExec: {
        shells: direct.length,
        roundTrips: direct.reduce((sum, { record }) => sum + record.roundTripsMs.length, 0),
        roundTripMs: spread(direct.flatMap(({ record }) => record.roundTripsMs)),
        problems: direct.flatMap(({ record }) => record.problems),
      },
      cpuCores: holding.cores,
    },
    shellsRunningCommandsAfterHold: answering.filter(Boolean).length,
    errors: { count: problems.length, sessionsWithErrors: sessions.filter((s) => s.problems.length > 0).length },
    firstErrors: problems.slice(0, 10),
    containers: { whileOpen: containers.length, peak: memoryPeak.containers, goneAfterCloseS: goneAfterS, left },
    memoryMib: { before: memoryBefore, peak: memoryPeak.mib },
  };
}

/**
 * A site's shells start one after another (the orchestrator holds a lock per site), the first with its container:
 * the first ready of each site, and the gaps between the next ones (one `docker exec` each).
 */
function readyBySite(ready: LoadSession[]) {
  const bySite = new Map<string, number[]>();
  for (const session of ready) bySite.set(session.site, [...(bySite.get(session.site) ?? []), session.readyMs ?? 0]);
  const times = [...bySite.values()].map((values) => values.sort((a, b) => a - b));
  return {
    firstOnSiteMs: spread(times.map((values) => values[0] ?? 0)),
    nextOnSiteGapMs: spread(
      times.flatMap((values) => values.slice(1).map((value, index) => value - (values[index] ?? 0))),
    ),
  };
}

/** How many of the ready sessions each site had. */
function shellsPerSite(ready: LoadSession[]): number[] {
  const counts = new Map<string, number>();
  for (const session of ready) counts.set(session.site, (counts.get(session.site) ?? 0) + 1);
  return [...counts.values()];
}

/** p50, p99 and max, in ms. */
function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)) };
}

/**
 * Runs `measure` and tells the cores (1.0 = one core busy all along) each part used meanwhile: `director up`'s tree by
 * component, the Docker engine, the containers `containerIds`, and everything else on the machine (others' work).
 */
async function withCpuOfAll<T>(directorPid: number, containerIds: readonly string[], measure: () => Promise<T>) {
  const started = performance.now();
  const foreign = await withForeignCpu(() =>
    withDockerCpu(containerIds, () => withCpuByComponent(directorPid, measure)),
  );
  const seconds = (performance.now() - started) / 1000;
  const docker = foreign.result.cpuMs;
  const cores = (ms: number) => Number((ms / 1000 / seconds).toFixed(2));
  return {
    result: foreign.result.result.result,
    cores: {
      director: cores(foreign.result.result.cpuMs.director),
      nginx: cores(foreign.result.result.cpuMs.nginx),
      postgres: cores(foreign.result.result.cpuMs.postgres),
      dockerEngine: cores(docker.engine),
      terminalContainers: cores(docker.containers),
      // withForeignCpu counts all but this process's tree (director up is in it), so Docker's are in its figure.
      otherProcesses: Math.max(
        0,
        Number((foreign.foreignCores - (docker.engine + docker.containers) / 1000 / seconds).toFixed(2)),
      ),
    },
  };
}

/** Every second until stopped: the highest PSS of each component, and the most terminal containers seen. */
function sampleMemory(
  directorPid: number,
  terminalContainers: () => Promise<Array<{ Id: string }>>,
  say: (line: string) => void,
) {
  const mib: Record<string, number> = {};
  let containers = 0;
  let sampling: Promise<void> | null = null;
  const sample = async () => {
    const running = await terminalContainers();
    containers = Math.max(containers, running.length);
    const docker = await dockerMemoryMib(running.map((container) => container.Id));
    const now: Record<string, number> = {
      ...(await memoryByComponent(directorPid)),
      dockerEngine: docker.engine,
      terminalContainers: docker.containers,
    };
    for (const [component, value] of Object.entries(now)) mib[component] = Math.max(mib[component] ?? 0, value);
  };
  const tick = () => {
    sampling ??= sample()
      .catch((error: unknown) => say(`a memory sample failed: ${(error as Error).message}`))
      .finally(() => {
        sampling = null;
      });
  };
  const timer = setInterval(tick, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample();
      return { mib, containers };
    },
  };
}
