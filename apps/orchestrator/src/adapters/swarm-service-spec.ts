/**
 * Renders a site's Swarm service spec (Engine API 1.41, Docker 20.10) from a checked SiteServiceSpec; pure.
 * DESIGN rule 4: read-only root filesystem, capabilities dropped, pids/memory/CPU limits, an unprivileged user.
 */
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import { siteUser } from "./local-base-images.js";

/** The Engine API counts durations in nanoseconds (Go's time.Duration); every duration below goes through this. */
export const nanosecondsPerSecond = 1_000_000_000;
const mebibyte = 1024 * 1024;

/**
 * Labels every site service and its containers carry. A site's service is found by its name, which holds the
 * installation id; listings and event filters use `installationLabel` together with `siteIdLabel`, so that another
 * installation's services on the same engine are never seen.
 */
export const siteIdLabel = "org.director.site-id";
export const installationLabel = "org.director.installation";
export const managedLabel = "org.director.managed";

/** The label filter (`key=value`) that selects one installation's objects in an Engine API listing or event stream. */
export function installationFilter(installationId: InstallationId): string {
  return `${installationLabel}=${installationId}`;
}

/** Settings that are the same for every site (from the orchestrator's config). */
export interface SwarmSiteSettings {
  /** The installation whose service this is: part of its name and labels */
  installationId: InstallationId;
  /** The port a site's run.sh must listen on ($PORT); above 1023 because the process holds no capabilities */
  port: number;
  /** $TZ of every site */
  timeZone: string;
  restartDelaySeconds: number;
  stopGracePeriodSeconds: number;
  tmpSizeBytes: number;
  runSizeBytes: number;
  logMaxSizeBytes: number;
  logMaxFiles: number;
}

/** Defaults chosen for a school's lab: a crashing site retries every 5 s, not in a tight loop. */
export const defaultSwarmSiteSettings: Omit<SwarmSiteSettings, "installationId"> = {
  port: 8080,
  timeZone: "UTC",
  restartDelaySeconds: 5,
  stopGracePeriodSeconds: 10,
  tmpSizeBytes: 64 * mebibyte,
  runSizeBytes: 8 * mebibyte,
  logMaxSizeBytes: 10 * mebibyte,
  logMaxFiles: 3,
};

/**
 * The Swarm service of a site: named after the installation and the site's numeric id, so a rename never touches
 * it and two installations on one engine never share a name (each numbers its sites from 1).
 */
export function serviceNameOf(installationId: InstallationId, siteId: SiteId): string {
  return `director-${installationId}-site-${siteId}`;
}

/** The run.sh candidates, in order; the first executable one runs. */
export const runScriptPaths = ["/site/run.sh", "/site/private/run.sh", "/site/public/run.sh"] as const;

/** The line the start script prints when Swarm stops the task (a restart, a stop, an update); the log view shows it. */
export const stopLine = "DIRECTOR: stopping (the site was stopped, restarted or updated)";

/**
 * The task's command, a fixed script (no value is interpolated into it). It prints `DIRECTOR:` lines that status and
 * the log follow: which run.sh starts, that the task is being stopped, and how run.sh ended. run.sh runs as its
 * child rather than by `exec`, so that the script outlives it to say so; SIGTERM (docker-init forwards it) is passed
 * on to run.sh and the script waits for it to end. Without a run.sh it sleeps, so the service stays converged and the
 * owner can add one and restart.
 */
export const startScript = [
  'mkdir -p "$HOME" 2>/dev/null',
  `for candidate in ${runScriptPaths.join(" ")}; do`,
  '  if [ -f "$candidate" ] && [ -x "$candidate" ]; then',
  '    echo "DIRECTOR: starting $candidate"',
  '    "$candidate" &',
  "    child=$!",
  `    trap 'stopping=1; echo "${stopLine}"; kill -TERM "$child" 2>/dev/null' TERM INT`,
  '    wait "$child"; code=$?',
  // A trapped signal ends `wait` early (code > 128) while run.sh still runs: wait again until it has exited.
  '    while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done',
  '    echo "DIRECTOR: run.sh exited with code $code"',
  // 137 is SIGKILL, and in a container the kernel's OOM killer is what sends it: say so where the owner looks.
  // The limit is read from the container's own cgroup (v2, then v1), so the line names it without interpolation.
  '    if [ "$code" = 137 ] && [ -z "$stopping" ]; then',
  "      limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)",
  '      case "$limit" in ""|*[!0-9]*) limit="" ;; *) limit=" ($((limit / 1048576)) MiB)" ;; esac',
  '      echo "DIRECTOR: run.sh was killed (SIGKILL), most likely for using more memory than its limit$limit"',
  "    fi",
  // A stop Director asked for is not a failure, whatever run.sh answered to SIGTERM: exit 0 then, so that the
  // stopped task never reads as a crash in the status.
  '    if [ -n "$stopping" ]; then exit 0; fi',
  '    exit "$code"',
  "  fi",
  '  if [ -f "$candidate" ]; then echo "DIRECTOR: $candidate is not executable (chmod +x it)"; fi',
  "done",
  `echo "DIRECTOR: no run.sh found (looked for an executable ${runScriptPaths.join(", ")}); waiting"`,
  "exec sleep 2147483647",
].join("\n");

/** The environment of a site's process (and of its terminals): the site's variables and the ones Director sets. */
export function siteProcessEnv(
  spec: Pick<SiteServiceSpec, "env">,
  settings: Pick<SwarmSiteSettings, "port" | "timeZone">,
): Record<string, string> {
  return {
    ...spec.env,
    PORT: String(settings.port),
    HOST: "0.0.0.0",
    TZ: settings.timeZone,
    HOME: siteUser.home,
  };
}

/** The Docker ServiceSpec of a site; `forceUpdate` carries over the service's counter so that an upsert never restarts by itself. */
export function renderSwarmServiceSpec(
  spec: SiteServiceSpec,
  settings: SwarmSiteSettings,
  forceUpdate = 0,
): Docker.ServiceSpec {
  const labels = {
    [siteIdLabel]: String(spec.siteId),
    [installationLabel]: settings.installationId,
    [managedLabel]: "true",
  };
  const env = siteProcessEnv(spec, settings);
  return {
    Name: serviceNameOf(settings.installationId, spec.siteId),
    Labels: labels,
    Mode: { Replicated: { Replicas: spec.isEnabled ? 1 : 0 } },
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        Labels: labels,
        Command: ["/bin/sh", "-c", startScript],
        Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
        Dir: "/site",
        // The site's own account (core/site-user.ts), never the image's default user.
        User: `${spec.user.uid}:${spec.user.gid}`,
        // docker-init as PID 1: forwards SIGTERM (a shell as PID 1 ignores it) and reaps zombies.
        Init: true,
        ReadOnly: true,
        // CapabilityDrop is honoured for services since API 1.41 (Docker 20.10). A non-root process holds no
        // capabilities anyway; an empty bounding set also strips them from any setuid-root binary it might exec.
        CapabilityDrop: ["ALL"],
        // Privileges.NoNewPrivileges exists for services only from API 1.46; Docker 20.10 drops it silently.
        // There, the daemon's `no-new-privileges` option (daemon.json) is the fallback, see the report in docs.
        Privileges: { NoNewPrivileges: true } as Docker.ContainerSpec["Privileges"],
        Mounts: [
          { Type: "bind", Source: spec.siteDirectory, Target: "/site", ReadOnly: false },
          {
            Type: "tmpfs",
            Source: "",
            Target: "/tmp",
            TmpfsOptions: { SizeBytes: settings.tmpSizeBytes, Mode: 0o1777 },
          },
          {
            Type: "tmpfs",
            Source: "",
            Target: "/run",
            TmpfsOptions: { SizeBytes: settings.runSizeBytes, Mode: 0o1777 },
          },
        ],
        StopGracePeriod: settings.stopGracePeriodSeconds * nanosecondsPerSecond,
      },
      Resources: {
        Limits: {
          NanoCPUs: Math.round(spec.limits.cpus * 1e9),
          MemoryBytes: spec.limits.memoryBytes,
          // Limits.Pids for services: API 1.41 (Docker 20.10) and later.
          Pids: spec.limits.pidsLimit,
        },
      },
      RestartPolicy: {
        Condition: "any",
        Delay: settings.restartDelaySeconds * nanosecondsPerSecond,
        MaxAttempts: 0,
      },
      LogDriver: {
        Name: "json-file",
        Options: { "max-size": String(settings.logMaxSizeBytes), "max-file": String(settings.logMaxFiles) },
      },
      Networks: [{ Target: spec.networkName }],
      ForceUpdate: forceUpdate,
    },
    // One replica at a time: stop the old task first, so two run.sh never share the site's files.
    UpdateConfig: { Parallelism: 1, Order: "stop-first", FailureAction: "continue" },
    // dnsrr: no virtual IP; the balancer reaches the task by its own address (no IPVS on these machines).
    EndpointSpec: { Mode: "dnsrr" },
  };
}
