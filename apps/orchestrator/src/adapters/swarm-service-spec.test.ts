import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import { defaultSwarmSiteSettings, renderSwarmServiceSpec, serviceNameOf, startScript } from "./swarm-service-spec.js";

const spec: SiteServiceSpec = {
  siteId: 42 as SiteId,
  siteDirectory: "/var/lib/director/sites/42",
  user: { uid: 2_000_000_042, gid: 2_000_000_042 },
  image: "director/base-busybox:1" as ImageRef,
  isEnabled: true,
  limits: { cpus: 0.6, memoryBytes: 100 * 1024 * 1024, pidsLimit: 128 },
  env: { DATABASE_URL: "postgres://x" },
  networkName: "director-lab1-sites",
};
const settings = { ...defaultSwarmSiteSettings, installationId: "lab1" as InstallationId };

describe("renderSwarmServiceSpec", () => {
  const rendered = renderSwarmServiceSpec(spec, settings);
  const template = rendered.TaskTemplate as Docker.ContainerTaskSpec;
  const container = template.ContainerSpec;

  it("names the service after the installation and the numeric id, and labels it and its containers", () => {
    expect(rendered.Name).toBe("director-lab1-site-42");
    expect(serviceNameOf("other" as InstallationId, 7 as SiteId)).toBe("director-other-site-7");
    const labels = {
      "org.director.site-id": "42",
      "org.director.installation": "lab1",
      "org.director.managed": "true",
    };
    expect(rendered.Labels).toEqual(labels);
    expect(container?.Labels).toEqual(labels);
    expect(rendered.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(renderSwarmServiceSpec({ ...spec, isEnabled: false }, settings).Mode).toEqual({
      Replicated: { Replicas: 0 },
    });
  });

  it("writes every duration in nanoseconds (5 s restart delay, 10 s grace period)", () => {
    expect(template.RestartPolicy).toEqual({ Condition: "any", Delay: 5_000_000_000, MaxAttempts: 0 });
    expect(container?.StopGracePeriod).toBe(10_000_000_000);
  });

  it("limits CPU, memory and processes", () => {
    expect(template.Resources?.Limits).toEqual({ NanoCPUs: 600_000_000, MemoryBytes: 104_857_600, Pids: 128 });
  });

  it("runs as the site user on a read-only root with init, no capabilities, /site and small tmpfs mounts", () => {
    expect(container).toMatchObject({
      User: "2000000042:2000000042",
      ReadOnly: true,
      Init: true,
      CapabilityDrop: ["ALL"],
      Dir: "/site",
    });
    expect(container?.Mounts).toEqual([
      { Type: "bind", Source: "/var/lib/director/sites/42", Target: "/site", ReadOnly: false },
      { Type: "tmpfs", Source: "", Target: "/tmp", TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1777 } },
      { Type: "tmpfs", Source: "", Target: "/run", TmpfsOptions: { SizeBytes: 8 * 1024 * 1024, Mode: 0o1777 } },
    ]);
    expect(template.LogDriver).toEqual({ Name: "json-file", Options: { "max-size": "10485760", "max-file": "3" } });
  });

  it("sets PORT, HOST, TZ and HOME after the site's own variables", () => {
    expect(container?.Env).toEqual([
      "DATABASE_URL=postgres://x",
      "PORT=8080",
      "HOST=0.0.0.0",
      "TZ=UTC",
      "HOME=/site/.home",
    ]);
  });

  it("runs a fixed start script with sh -c and carries the force-update counter", () => {
    expect(container?.Command).toEqual(["/bin/sh", "-c", startScript]);
    expect(startScript).toContain('"$candidate" &');
    expect(startScript).toContain('kill -TERM "$child"');
    expect(startScript).not.toContain("42");
    expect(template.ForceUpdate).toBe(0);
    const again = renderSwarmServiceSpec(spec, settings, 3).TaskTemplate as Docker.ContainerTaskSpec;
    expect(again.ForceUpdate).toBe(3);
  });
});
