import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import { renderSftpContainer, renderSftpPasswd, sftpSiteLabel } from "./sftp-container-spec.js";
import { parseLddOutput } from "./sftp-image.js";

const spec: SiteServiceSpec = {
  siteId: 42 as SiteId,
  siteDirectory: "/srv/director/sites/42",
  user: { uid: 2_000_000_042, gid: 2_000_000_042 },
  image: "director/base-busybox:latest" as ImageRef,
  isEnabled: true,
  limits: { cpus: 0.5, memoryBytes: 128 * 1024 * 1024, pidsLimit: 256 },
  env: { SECRET: "not for sftp" },
  networkName: "director-x-sites",
};

describe("renderSftpContainer", () => {
  it("runs sftp-server alone as the site's account, with the site's directory and nothing else of the host", () => {
    const options = renderSftpContainer(spec, {
      installationId: "x" as InstallationId,
      image: "director/sftp:0123456789abcdef",
      passwdFile: "/srv/director/orchestrator-state/sftp-passwd/2000000042",
      sessionId: "00ff",
    });
    expect(options).toMatchObject({
      name: "director-x-sftp-42-00ff",
      Image: "director/sftp:0123456789abcdef",
      Cmd: ["/usr/lib/openssh/sftp-server", "-d", "/site"],
      Env: [],
      User: "2000000042:2000000042",
      WorkingDir: "/site",
      OpenStdin: true,
      StdinOnce: true,
      Tty: false,
      Labels: { [sftpSiteLabel]: "42", "org.director.installation": "x", "org.director.managed": "true" },
      HostConfig: {
        NetworkMode: "none",
        ReadonlyRootfs: true,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        Memory: 128 * 1024 * 1024,
        MemorySwap: 128 * 1024 * 1024,
        LogConfig: { Type: "none" },
      },
    });
    expect(options.Labels).not.toHaveProperty("org.director.site-id");
    expect(options.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/srv/director/sites/42", Target: "/site", ReadOnly: false },
      {
        Type: "bind",
        Source: "/srv/director/orchestrator-state/sftp-passwd/2000000042",
        Target: "/etc/passwd",
        ReadOnly: true,
      },
      { Type: "tmpfs", Target: "/tmp", TmpfsOptions: { SizeBytes: 1024 * 1024, Mode: 0o1777 } },
    ]);
    expect(options.HostConfig?.PidsLimit).toBeLessThanOrEqual(16);
  });

  it("names the site's account in a passwd line that logs in nowhere", () => {
    expect(renderSftpPasswd(spec.user)).toBe("site:x:2000000042:2000000042:site:/site:/sbin/nologin\n");
  });
});

describe("parseLddOutput", () => {
  it("lists the libraries and the interpreter, not the vDSO", () => {
    const output = [
      "\tlinux-vdso.so.1 (0x00007ffd4a1f2000)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f8537333000)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f853755c000)",
      "",
    ].join("\n");
    expect(parseLddOutput(output)).toEqual(["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]);
  });

  it("refuses a program with a missing library", () => {
    expect(() => parseLddOutput("\tlibcrypto.so.3 => not found\n")).toThrow(/missing/);
  });
});
