import { setTimeout as sleep } from "node:timers/promises";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { describe, expect, it } from "vitest";
import { InMemoryBalancerSpecStore } from "../testing/in-memory-dynamic-sites.js";
import type { BalancerConfig, BalancerConfigFiles } from "./ports.js";
import { UpstreamTrackingBalancer } from "./site-balancer.js";

/** A balancer whose writes take a while and say when they start and end, with the upstream they render. */
class SlowBalancer implements BalancerConfig, BalancerConfigFiles {
  readonly events: string[] = [];
  readonly files = new Map<SiteId, string>();

  async upsert(spec: BalancerSiteSpec): Promise<void> {
    const upstream = spec.upstream?.address ?? "none";
    this.events.push(`start ${spec.id} ${upstream}`);
    await sleep(20);
    this.files.set(spec.id, await this.render(spec));
    this.events.push(`end ${spec.id} ${upstream}`);
  }

  async remove(id: SiteId): Promise<void> {
    this.files.delete(id);
  }

  async listSiteIds(): Promise<SiteId[]> {
    return [...this.files.keys()];
  }

  async read(id: SiteId): Promise<string | null> {
    return this.files.get(id) ?? null;
  }

  async render(spec: BalancerSiteSpec): Promise<string> {
    return `site ${spec.id} upstream ${spec.upstream?.address ?? "none"}`;
  }
}

const dynamicSpec = (id: number): BalancerSiteSpec => ({
  id: id as SiteId,
  name: parseSiteName(`site-${id}`),
  type: "dynamic",
  availability: "enabled",
});

function balancerWith(addresses: Map<SiteId, string>) {
  const files = new SlowBalancer();
  const balancer = new UpstreamTrackingBalancer({
    balancer: files,
    specs: new InMemoryBalancerSpecStore(),
    addressOf: async (id) => addresses.get(id) ?? null,
    sitePort: 8080,
  });
  return { files, balancer };
}

describe("UpstreamTrackingBalancer", () => {
  it("runs one site's updates one at a time, so the address read last is the one rendered", async () => {
    const addresses = new Map<SiteId, string>([[1 as SiteId, "10.0.0.1"]]);
    const { files, balancer } = balancerWith(addresses);
    const put = balancer.upsert(dynamicSpec(1));
    const moved = balancer.refresh(1 as SiteId, "10.0.0.2");
    const inspected = balancer.inspect(1 as SiteId, "10.0.0.2");
    await Promise.all([put, moved]);
    expect(files.events).toEqual(["start 1 10.0.0.1", "end 1 10.0.0.1", "start 1 10.0.0.2", "end 1 10.0.0.2"]);
    // queued behind both, the inspection reads the file the last update wrote
    expect(await inspected).toMatchObject({ hasConfig: true, isConfigCurrent: true });
    expect(await files.read(1 as SiteId)).toBe("site 1 upstream 10.0.0.2");
  });

  it("lets different sites' updates run side by side, and a failed update does not hold the site", async () => {
    const { files, balancer } = balancerWith(new Map());
    await Promise.all([balancer.upsert(dynamicSpec(1)), balancer.upsert(dynamicSpec(2))]);
    expect(files.events.slice(0, 2)).toEqual(["start 1 none", "start 2 none"]);

    const failing = new UpstreamTrackingBalancer({
      balancer: files,
      specs: new InMemoryBalancerSpecStore(),
      addressOf: async () => {
        throw new Error("engine unreachable");
      },
      sitePort: 8080,
    });
    await expect(failing.upsert(dynamicSpec(3))).rejects.toThrow("engine unreachable");
    await expect(failing.refresh(3 as SiteId, null)).resolves.toBeUndefined();
  });
});
