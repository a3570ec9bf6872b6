/**
 * The site firewall on the real engine and the real kernel: a site's container (a Swarm task on the sites network)
 * probes a listener of the host on all addresses, and a "remote" machine (a network namespace of this test's own,
 * reached through the host's routing like any destination beyond the node) under each egress policy.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { runCommand } from "@director/host/run-command";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEgressPolicy } from "../core/site-egress.js";
import { DockerSwarmRuntime } from "./docker-swarm-runtime.js";
import { removeDockerTestObjects, testSiteUser, waitFor } from "./docker-test-objects.js";
import { ensureBusyboxBaseImage } from "./local-base-images.js";
import { bridgeInterfaceOf, installSiteFirewall, removeSiteFirewall, siteFirewallChains } from "./site-firewall.js";
import { ensureSiteNetworkAnchor, removeSiteNetworkAnchor } from "./site-network-anchor.js";
import { ensureSiteNetwork } from "./swarm-network.js";
import { serviceNameOf } from "./swarm-service-spec.js";

const docker = new Docker();
const runId = randomBytes(4).toString("hex");
const installationId = `f${runId}` as InstallationId;
const networkName = `director-test-${runId}`;
const imageName = `director-test/base-busybox-${runId}`;
const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
// The "remote" machine: its own network namespace behind a veth pair, on a /30 of its own.
const namespace = `dirfw${runId}`;
const hostSide = `vfh${runId}`.slice(0, 15);
const subnet = randomInt(16, 250);
const hostAddress = `10.251.${subnet}.1`;
const remoteAddress = `10.251.${subnet}.2`;
const remotePort = 8000;
let bridge: string;
let image: ImageRef;
let root: string;
let hostListener: Server;
/** Another listener on every address: the port a site database host would have, opened on the gateway alone. */
let databaseListener: Server;
let remoteServer: ChildProcess | undefined;
const runtime = new DockerSwarmRuntime(docker, { installationId });

async function run(argv: [string, ...string[]]): Promise<void> {
  const result = await runCommand(argv, { timeoutMs: 15_000 });
  if (result.exitCode !== 0) throw new Error(`${argv.join(" ")}: ${result.stderr}`);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "director-firewall-"));
  await chmod(root, 0o755);
  image = await ensureBusyboxBaseImage(docker, { imageName });
  bridge = bridgeInterfaceOf(await ensureSiteNetwork(docker, networkName));
  hostListener = createServer((_request, response) => response.end("host service\n"));
  await new Promise<void>((resolve) => hostListener.listen(0, "0.0.0.0", resolve));
  databaseListener = createServer((_request, response) => response.end("database host\n"));
  await new Promise<void>((resolve) => databaseListener.listen(0, "0.0.0.0", resolve));

  await run(["ip", "netns", "add", namespace]);
  await run(["ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", namespace]);
  await run(["ip", "addr", "add", `${hostAddress}/30`, "dev", hostSide]);
  await run(["ip", "link", "set", hostSide, "up"]);
  for (const argv of [
    ["ip", "addr", "add", `${remoteAddress}/30`, "dev", "eth0"],
    ["ip", "link", "set", "eth0", "up"],
    ["ip", "link", "set", "lo", "up"],
    ["ip", "route", "add", "default", "via", hostAddress],
  ]) {
    await run(["ip", "netns", "exec", namespace, ...argv] as [string, ...string[]]);
  }
  await mkdir(path.join(root, "remote"));
  await writeFile(path.join(root, "remote", "index.html"), "remote service\n");
  remoteServer = spawn(
    "ip",
    ["netns", "exec", namespace, "busybox", "httpd", "-f", "-p", String(remotePort), "-h", path.join(root, "remote")],
    { stdio: "ignore" },
  );
}, 120_000);

afterAll(async () => {
  remoteServer?.kill("SIGKILL");
  hostListener?.close();
  databaseListener?.close();
  await removeSiteNetworkAnchor(docker, installationId);
  await removeDockerTestObjects(docker, {
    serviceNames: [serviceNameOf(installationId, siteId)],
    networkName,
    imageRefs: image === undefined ? [] : [image],
  });
  await removeSiteFirewall(installationId, bridge);
  await runCommand(["ip", "link", "del", hostSide]);
  await runCommand(["ip", "netns", "del", namespace]);
  await rm(root, { recursive: true, force: true });
});

describe("the site firewall", () => {
  it("refuses every new connection from a site to its node, and applies the egress policy beyond it", async () => {
    const hostPort = (hostListener.address() as AddressInfo).port;
    const databasePort = (databaseListener.address() as AddressInfo).port;
    // From the host itself both listeners answer: what the site cannot reach is there.
    const direct = await waitFor(
      () => runCommand(["busybox", "wget", "-q", "-O", "-", `http://${remoteAddress}:${remotePort}/`]),
      (result) => result.stdout === "remote service\n",
      10_000,
    );
    expect(direct.stdout).toBe("remote service\n");

    const dir = path.join(root, String(siteId));
    await mkdir(path.join(dir, "public"), { recursive: true });
    // Every second: the gateway (this node) on the host's listener, then the remote machine; the newest result only.
    // (nc, not wget: busybox's static wget crashes with -T.)
    const probe = [
      "#!/bin/sh",
      "gateway=$(ip route | awk '/^default/ { print $3 }')",
      "while true; do",
      `  if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 "$gateway" ${hostPort} | grep -q 'host service'; then node=open; else node=closed; fi`,
      `  if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 "$gateway" ${databasePort} | grep -q 'database host'; then db=open; else db=closed; fi`,
      `  if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${remoteAddress} ${remotePort} | grep -q 'remote service'; then remote=open; else remote=closed; fi`,
      '  echo "node $node db $db remote $remote" > /site/probe.tmp && mv /site/probe.tmp /site/probe.txt',
      "  sleep 1",
      "done",
    ].join("\n");
    await writeFile(path.join(dir, "run.sh"), probe, { mode: 0o755 });
    const { uid, gid } = testSiteUser(siteId);
    for (const entry of [dir, path.join(dir, "public"), path.join(dir, "run.sh")]) await chown(entry, uid, gid);
    const probeSays = (expected: string) =>
      waitFor(
        () =>
          readFile(path.join(dir, "probe.txt"), "utf8")
            .then((text) => text.trim())
            .catch(() => ""),
        (text) => text === expected,
        30_000,
      );

    await installSiteFirewall({ installationId, bridgeInterface: bridge, egress: parseEgressPolicy("all") });
    await runtime.upsert({
      siteId,
      siteDirectory: dir,
      user: testSiteUser(siteId),
      image,
      isEnabled: true,
      limits: { cpus: 0.5, memoryBytes: 64 * 1024 * 1024, pidsLimit: 64 },
      env: {},
      networkName,
    });
    expect(await probeSays("node closed db closed remote open")).toBe("node closed db closed remote open");

    // Only listed destinations: another address is refused, the listed one is reached.
    await installSiteFirewall({ installationId, bridgeInterface: bridge, egress: parseEgressPolicy("192.0.2.0/24") });
    expect(await probeSays("node closed db closed remote closed")).toBe("node closed db closed remote closed");
    await installSiteFirewall({
      installationId,
      bridgeInterface: bridge,
      egress: parseEgressPolicy(`192.0.2.0/24, ${remoteAddress}`),
    });
    expect(await probeSays("node closed db closed remote open")).toBe("node closed db closed remote open");
    await installSiteFirewall({ installationId, bridgeInterface: bridge, egress: parseEgressPolicy("none") });
    expect(await probeSays("node closed db closed remote closed")).toBe("node closed db closed remote closed");

    // The gateway opening: that one port on the gateway address, nothing else of the node.
    const gateway = await ensureSiteNetworkAnchor(docker, { installationId, networkName, image });
    // Idempotent: the running anchor is kept, and so is the address.
    expect(await ensureSiteNetworkAnchor(docker, { installationId, networkName, image })).toEqual(gateway);
    await installSiteFirewall({
      installationId,
      bridgeInterface: bridge,
      egress: parseEgressPolicy("none"),
      gatewayOpening: { address: gateway.address, port: databasePort },
    });
    expect(await probeSays("node closed db open remote closed")).toBe("node closed db open remote closed");
    await installSiteFirewall({ installationId, bridgeInterface: bridge, egress: parseEgressPolicy("none") });
    expect(await probeSays("node closed db closed remote closed")).toBe("node closed db closed remote closed");

    // Installing twice adds no second jump; removing leaves nothing of this installation behind.
    const jumps = await runCommand(["iptables", "-w", "-S", "INPUT"]);
    expect(jumps.stdout.split("\n").filter((line) => line.includes(siteFirewallChains(installationId).host))).toEqual([
      `-A INPUT -i ${bridge} -j ${siteFirewallChains(installationId).host}`,
    ]);
    await removeSiteFirewall(installationId, bridge);
    const after = await runCommand(["iptables", "-w", "-S"]);
    expect(after.stdout).not.toContain(`DIR-${installationId}-`);
  }, 120_000);
});
