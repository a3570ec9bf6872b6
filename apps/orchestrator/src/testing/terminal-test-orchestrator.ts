/**
 * An orchestrator wired to the real Docker engine for the terminal tests: its own test nginx, site network, busybox
 * base image, sftp image and installation id, all removed by `close()`.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { routePath } from "@director/contracts/route";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { startTestNginx } from "@director/testing/test-nginx";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { DockerSiteSftp } from "../adapters/docker-site-sftp.js";
import { DockerSiteTerminals } from "../adapters/docker-site-terminals.js";
import { DockerSwarmRuntime } from "../adapters/docker-swarm-runtime.js";
import { removeDockerTestObjects, testSiteUidBase } from "../adapters/docker-test-objects.js";
import { ensureBusyboxBaseImage, stableBusyboxTag } from "../adapters/local-base-images.js";
import { ensureSftpImage } from "../adapters/sftp-image.js";
import { ensureSiteNetwork } from "../adapters/swarm-network.js";
import { defaultSwarmSiteSettings } from "../adapters/swarm-service-spec.js";
import { orchestratorConfigSchema } from "../config.js";
import { createOrchestrator } from "../main.js";
import { testToken } from "./test-app.js";

export interface TerminalTestOrchestrator {
  baseUrl: string;
  /** the test's temporary directory: sites in `sites/`, the orchestrator's state in `orchestrator-state/` */
  root: string;
  installationId: InstallationId;
  networkName: string;
  runtime: DockerSiteTerminals;
  sftp: DockerSiteSftp;
  baseImage(): Promise<ImageRef>;
  /** the terminal route's ws:// URL for a site */
  terminalUrl(id: number): string;
  close(): Promise<void>;
}

export async function startTerminalTestOrchestrator(docker: Docker, log: Logger): Promise<TerminalTestOrchestrator> {
  const runId = randomBytes(4).toString("hex");
  const networkName = `director-test-${runId}`;
  const installationId = `t${runId}` as InstallationId;
  const busyboxName = `director-test/base-busybox-${runId}`;
  let busybox: Promise<ImageRef> | undefined;
  let sftpImage: Promise<ImageRef> | undefined;
  const baseImage = () => {
    busybox ??= ensureBusyboxBaseImage(docker, { imageName: busyboxName });
    return busybox;
  };
  const runtime = new DockerSiteTerminals(docker, { ...defaultSwarmSiteSettings, installationId });
  const nginx = await startTestNginx({ prefix: "director-orchestrator-terminal-", includeDirNames: ["sites"], log });
  const { root, server } = nginx;
  const sftp = new DockerSiteSftp(docker, {
    installationId,
    passwdDir: path.join(root, "orchestrator-state", "sftp-passwd"),
    log,
    image: () => {
      sftpImage ??= ensureSftpImage(docker, { imageName: `director-test/sftp-${runId}` });
      return sftpImage;
    },
  });
  await ensureSiteNetwork(docker, networkName);
  const config = orchestratorConfigSchema.parse({
    http: { port: 0 },
    token: testToken,
    installationId,
    // Plain directories: a closed orchestrator leaves site volumes mounted (loop-site-volumes.int.test.ts has them).
    sites: { dir: path.join(root, "sites"), uidBase: testSiteUidBase, volumes: "directory" },
    balancer: { listen: `127.0.0.1:${nginx.port}`, nginxDir: path.join(root, "nginx") },
    files: {},
    docker: { siteNetwork: networkName },
  });
  const orchestrator = createOrchestrator(config, {
    balancerFiles: new NginxConfigStore(nginx.confDirs.sites ?? "", server, log),
    log,
    runtime: new DockerSwarmRuntime(docker, { installationId }),
    baseImage,
    terminalRuntime: runtime,
    sftpRuntime: sftp,
  });
  const baseUrl = await orchestrator.listen();
  return {
    baseUrl,
    root,
    installationId,
    networkName,
    runtime,
    sftp,
    baseImage,
    terminalUrl: (id) => `${baseUrl.replace(/^http/, "ws")}${routePath(api.openTerminal, { id })}`,
    close: async () => {
      try {
        await orchestrator.close();
        await runtime.removeAllEnvironments();
        await sftp.removeAllSessions();
        const made = await Promise.all([busybox, sftpImage].map((image) => image?.catch(() => undefined)));
        const imageRefs: string[] = made.filter((ref): ref is ImageRef => ref !== undefined);
        // ensureBusyboxBaseImage tags its image :latest too.
        if (made[0] !== undefined) imageRefs.push(`${busyboxName}:${stableBusyboxTag}`);
        await removeDockerTestObjects(docker, { serviceNames: [], networkName, imageRefs });
      } finally {
        await server.stop();
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}
