/**
 * Renders a site's terminal container (Engine API 1.41) from the same checked SiteServiceSpec its Swarm service is
 * rendered from; pure. The terminal is where a person types commands into the site: it gets exactly the process's
 * environment (image, `/site`, account, variables, read-only root, no capabilities, no new privileges, limits, the
 * sites network behind the same firewall), so a terminal reaches nothing the site's process cannot.
 */
import { createHash } from "node:crypto";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import { installationLabel, managedLabel, type SwarmSiteSettings, siteProcessEnv } from "./swarm-service-spec.js";

/**
 * The site a terminal container belongs to. Not the service's `siteIdLabel`: the task address watcher and the
 * service runtime select site containers by that label, and a terminal must never be taken for the site's process
 * (the balancer would proxy to it, a removal would wait for it).
 */
export const terminalSiteLabel = "org.director.terminal-site-id";
/** A hash of the rendered container, to tell a terminal started from an older spec (another image, new variables). */
export const terminalSpecLabel = "org.director.terminal-spec";

/** The terminal container of a site: one per site, shared by that site's shells. */
export function terminalContainerNameOf(installationId: InstallationId, siteId: SiteId): string {
  return `director-${installationId}-terminal-${siteId}`;
}

/**
 * The container's own command: it only keeps the container alive for the shells `docker exec` starts in it.
 * docker-init (Init) is PID 1 and reaps what the shells leave behind.
 */
const keepAliveCommand = ["sleep", "2147483647"];

/** The ContainerCreateOptions of a site's terminal container, labelled with the hash of everything else in it. */
export function renderTerminalContainer(
  spec: SiteServiceSpec,
  settings: Pick<
    SwarmSiteSettings,
    "installationId" | "port" | "timeZone" | "tmpSizeBytes" | "runSizeBytes" | "logMaxSizeBytes"
  >,
): Docker.ContainerCreateOptions {
  const env = siteProcessEnv(spec, settings);
  const options: Docker.ContainerCreateOptions = {
    name: terminalContainerNameOf(settings.installationId, spec.siteId),
    Image: spec.image,
    Cmd: keepAliveCommand,
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    WorkingDir: "/site",
    User: `${spec.user.uid}:${spec.user.gid}`,
    Labels: {
      [terminalSiteLabel]: String(spec.siteId),
      [installationLabel]: settings.installationId,
      [managedLabel]: "true",
    },
    HostConfig: {
      Init: true,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      // Mounts rather than HostConfig.Tmpfs, whose `mode=` the engine ignores where the image has the directory.
      Mounts: [
        { Type: "bind", Source: spec.siteDirectory, Target: "/site", ReadOnly: false },
        { Type: "tmpfs", Target: "/tmp", TmpfsOptions: { SizeBytes: settings.tmpSizeBytes, Mode: 0o1777 } },
        { Type: "tmpfs", Target: "/run", TmpfsOptions: { SizeBytes: settings.runSizeBytes, Mode: 0o1777 } },
      ] as Docker.MountSettings[],
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      Memory: spec.limits.memoryBytes,
      // No swap beyond the memory limit, as for the service's tasks.
      MemorySwap: spec.limits.memoryBytes,
      PidsLimit: spec.limits.pidsLimit,
      NetworkMode: spec.networkName,
      LogConfig: { Type: "json-file", Config: { "max-size": String(settings.logMaxSizeBytes), "max-file": "1" } },
      RestartPolicy: { Name: "no" },
    },
  };
  const hash = createHash("sha256").update(JSON.stringify(options)).digest("hex").slice(0, 32);
  return { ...options, Labels: { ...options.Labels, [terminalSpecLabel]: hash } };
}
