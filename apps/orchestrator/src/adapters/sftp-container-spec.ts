/**
 * Renders an sftp session's container (Engine API 1.41); pure. OpenSSH's `sftp-server` runs alone in an image that
 * holds only it and its libraries (sftp-image.ts), as the site's account, with the site's directory at /site as the
 * only thing of the host it can reach: no network, a read-only root, no capabilities, no new privileges, limits. A
 * symlink in the site pointing at a host path resolves inside this container, where that path does not exist.
 */
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import type { SiteUser } from "../core/site-user.js";
import { installationLabel, managedLabel } from "./swarm-service-spec.js";

/**
 * The site an sftp container serves. Neither the service's `siteIdLabel` (the address watcher and the service runtime
 * select site containers by it) nor the terminal environments' label (one environment per site is assumed there).
 */
export const sftpSiteLabel = "org.director.sftp-site-id";
/** Where sftp-server is, on the host and in the image (Debian's openssh-sftp-server). */
export const sftpServerPath = "/usr/lib/openssh/sftp-server";

/** Its processes: sftp-server forks nothing; a few spare. */
const sftpPidsLimit = 16;
/** sftp-server writes nothing to /tmp; a small tmpfs for the odd library that wants one. */
const sftpTmpSizeBytes = 1024 * 1024;

/** The name of one sftp session's container. `sessionId` is the orchestrator's own (hex), never a caller's value. */
export function sftpContainerNameOf(installationId: InstallationId, siteId: SiteId, sessionId: string): string {
  return `director-${installationId}-sftp-${siteId}-${sessionId}`;
}

/**
 * The passwd file mounted at /etc/passwd: sftp-server looks its user up (getpwuid) and exits when the uid has no
 * entry, and site uids are per site. The shell is nologin: this account logs in nowhere.
 */
export function renderSftpPasswd(user: SiteUser): string {
  return `site:x:${user.uid}:${user.gid}:site:/site:/sbin/nologin\n`;
}

/** The ContainerCreateOptions of an sftp session; its standard streams are attached, not logged. */
export function renderSftpContainer(
  spec: SiteServiceSpec,
  settings: { installationId: InstallationId; image: string; passwdFile: string; sessionId: string },
): Docker.ContainerCreateOptions {
  return {
    name: sftpContainerNameOf(settings.installationId, spec.siteId, settings.sessionId),
    Image: settings.image,
    // -d: the start directory (a client's relative paths and REALPATH "." are /site).
    Cmd: [sftpServerPath, "-d", "/site"],
    Env: [],
    WorkingDir: "/site",
    User: `${spec.user.uid}:${spec.user.gid}`,
    // The SFTP packets are the container's stdin and stdout; StdinOnce: the caller's end of input closes stdin.
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: true,
    Labels: {
      [sftpSiteLabel]: String(spec.siteId),
      [installationLabel]: settings.installationId,
      [managedLabel]: "true",
    },
    HostConfig: {
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Mounts: [
        { Type: "bind", Source: spec.siteDirectory, Target: "/site", ReadOnly: false },
        { Type: "bind", Source: settings.passwdFile, Target: "/etc/passwd", ReadOnly: true },
        { Type: "tmpfs", Target: "/tmp", TmpfsOptions: { SizeBytes: sftpTmpSizeBytes, Mode: 0o1777 } },
      ] as Docker.MountSettings[],
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      Memory: spec.limits.memoryBytes,
      MemorySwap: spec.limits.memoryBytes,
      PidsLimit: sftpPidsLimit,
      // The files that go through the session must not be kept in a container log.
      LogConfig: { Type: "none", Config: {} },
      RestartPolicy: { Name: "no" },
    },
  };
}
