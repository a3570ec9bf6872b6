import type { OrchestratorInventory, SiteInventory } from "@director/contracts/orchestrator-inventory";
import type { RouterInventory } from "@director/contracts/router-api";
import type { SiteId, SiteRecord } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import { describe, expect, it } from "vitest";
import { siteSpecs } from "../operations/site-specs.js";
import { computeDrift, type ExpectedSite, repairStepsFor } from "./drift.js";

const specs = siteSpecs({ domain: "sites.localhost", clientBodyLimitBytes: 2048 });

function site(id: number, name: string, overrides: Partial<SiteRecord> = {}): SiteRecord {
  return {
    id: id as SiteId,
    name: name as SiteName,
    type: "static",
    purpose: "project",
    description: "",
    availability: "enabled",
    clientBodyLimitBytes: null,
    cpus: null,
    memoryMib: null,
    imageId: null,
    extraPackages: [],
    imageRef: null,
    adminComment: "",
    revision: 0,
    domains: [],
    httpsDomains: [],
    readyAt: new Date(0),
    createdAt: new Date(0),
    ...overrides,
  };
}

const expect_ = (record: SiteRecord): ExpectedSite => ({
  site: record,
  balancer: specs.balancerSpec(record),
  hostnames: specs.routeHostnames(record),
});

/** What a healthy orchestrator reports for `record`. */
function healthy(record: SiteRecord): SiteInventory {
  return {
    id: record.id,
    hasDirectory: true,
    balancer: { hasConfig: true, spec: specs.balancerSpec(record), isConfigCurrent: true },
    service:
      record.type === "dynamic"
        ? {
            name: `director-lab1-site-${record.id}`,
            replicas: record.availability === "enabled" ? 1 : 0,
            image: "director/base-busybox:1",
            labels: {},
          }
        : null,
    images: [],
  };
}

const orchestrator = (sites: SiteInventory[], isDockerAvailable = true): OrchestratorInventory => ({
  installationId: "lab1",
  isDockerAvailable,
  sites,
});
const shared: RouterInventory = { topology: "shared", needsRouteFiles: false, routes: [], legacyRoutes: [] };
const split: RouterInventory = { ...shared, topology: "split", needsRouteFiles: true };
const splitRoute = (record: SiteRecord, overrides = {}) => ({
  siteId: record.id,
  hostnames: [`${record.name}.sites.localhost`],
  isCurrent: true,
  ...overrides,
});

const plain = site(1, "plain");
const app = site(2, "app", { type: "dynamic" });

const kinds = (drifts: ReturnType<typeof computeDrift>) =>
  drifts.map((drift) => [
    drift.site?.name ?? drift.legacyRouteName ?? drift.certificateDomain ?? `#${drift.siteId}`,
    drift.findings.map((f) => f.kind),
  ]);

describe("computeDrift", () => {
  it("finds nothing when every site is in place", () => {
    const drifts = computeDrift({
      expected: [expect_(plain), expect_(app)],
      orchestrator: orchestrator([healthy(plain), healthy(app)]),
      router: shared,
      certificates: [],
      hasOrphans: true,
    });
    expect(drifts).toEqual([]);
  });

  it("finds a dynamic site's missing service, a static site's unexpected one, and wrong replicas", () => {
    const stopped = site(3, "stopped", { type: "dynamic", availability: "not-served" });
    const withService = { ...healthy(plain), service: healthy(app).service };
    const running = { ...healthy(stopped), service: { ...(healthy(app).service as object), replicas: 1 } };
    const drifts = computeDrift({
      expected: [expect_(plain), expect_(app), expect_(stopped)],
      orchestrator: orchestrator([withService, { ...healthy(app), service: null }, running as SiteInventory]),
      router: shared,
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(drifts)).toEqual([
      ["plain", ["service_unexpected"]],
      ["app", ["service_missing"]],
      ["stopped", ["service_replicas_wrong"]],
    ]);
    expect(drifts[2]?.findings[0]?.message).toBe(
      "Its Swarm service runs 1 replica(s); a site that is not-served runs 0.",
    );
  });

  it("does not judge services when the orchestrator has no Docker engine", () => {
    const drifts = computeDrift({
      expected: [expect_(app)],
      orchestrator: orchestrator([{ ...healthy(app), service: null }], false),
      router: shared,
      certificates: [],
      hasOrphans: true,
    });
    expect(drifts).toEqual([]);
  });

  it("finds a missing directory, and a site the orchestrator knows nothing of", () => {
    const drifts = computeDrift({
      expected: [expect_(plain), expect_(app)],
      orchestrator: orchestrator([{ ...healthy(plain), hasDirectory: false }]),
      router: shared,
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(drifts)).toEqual([
      ["plain", ["directory_missing"]],
      ["app", ["directory_missing", "service_missing", "balancer_config_missing"]],
    ]);
  });

  it("finds a balancer file that is missing, edited, or rendered from settings the database no longer has", () => {
    const limited = site(3, "limited", { clientBodyLimitBytes: 10 });
    const edited = site(4, "edited");
    const drifts = computeDrift({
      expected: [expect_(plain), expect_(limited), expect_(edited)],
      orchestrator: orchestrator([
        { ...healthy(plain), balancer: { hasConfig: false, spec: null, isConfigCurrent: false } },
        // stored before the limit changed
        {
          ...healthy(limited),
          balancer: { ...healthy(limited).balancer, spec: specs.balancerSpec(site(3, "limited")) },
        },
        { ...healthy(edited), balancer: { ...healthy(edited).balancer, isConfigCurrent: false } },
      ]),
      router: shared,
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(drifts)).toEqual([
      ["plain", ["balancer_config_missing"]],
      ["limited", ["balancer_config_stale"]],
      ["edited", ["balancer_config_stale"]],
    ]);
  });

  it("finds missing and stale routes in the split topology, and a leftover route file in the shared one", () => {
    const other = site(3, "other");
    const third = site(4, "third");
    const routes = [
      splitRoute(app),
      splitRoute(other, { isCurrent: false }),
      splitRoute(third, { hostnames: ["other.sites.localhost"] }),
    ];
    const all = [plain, app, other, third];
    const drifts = computeDrift({
      expected: all.map(expect_),
      orchestrator: orchestrator(all.map(healthy)),
      router: { ...split, routes },
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(drifts)).toEqual([
      ["plain", ["route_missing"]],
      ["other", ["route_stale"]],
      ["third", ["route_stale"]],
    ]);
    const leftover = computeDrift({
      expected: [expect_(plain)],
      orchestrator: orchestrator([healthy(plain)]),
      router: { ...shared, routes: [splitRoute(plain, { isCurrent: false })] },
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(leftover)).toEqual([["plain", ["route_stale"]]]);
  });

  it("expects a renamed site's route to carry its unexpired former names after its own", () => {
    const renamed = site(5, "robots");
    const formerNames = ["robotics"];
    const expected = { ...expect_(renamed), hostnames: specs.routeHostnames(renamed, formerNames) };
    expect(expected.hostnames).toEqual(["robots.sites.localhost", "robotics.sites.localhost"]);
    const check = (hostnames: string[]) =>
      kinds(
        computeDrift({
          expected: [expected],
          orchestrator: orchestrator([healthy(renamed)]),
          router: { ...split, routes: [splitRoute(renamed, { hostnames })] },
          certificates: [],
          hasOrphans: false,
        }),
      );
    expect(check(["robots.sites.localhost", "robotics.sites.localhost"])).toEqual([]);
    // a route that lost the former name (its redirect would answer 404 through the edge) is stale
    expect(check(["robots.sites.localhost"])).toEqual([["robots", ["route_stale"]]]);
  });

  it("reports leftovers with no site row: service, balancer file, directory, images, route file", () => {
    const gone = { ...healthy(site(7, "gone", { type: "dynamic" })), images: ["director/lab1-site-7:0123"] };
    const drifts = computeDrift({
      expected: [expect_(plain)],
      orchestrator: orchestrator([
        healthy(plain),
        gone,
        { ...healthy(site(8, "x")), balancer: { hasConfig: false, spec: null, isConfigCurrent: false } },
      ]),
      router: { ...split, routes: [splitRoute(plain), splitRoute(site(7, "gone")), splitRoute(site(9, "left"))] },
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(drifts)).toEqual([
      ["#7", ["orphan_service", "orphan_balancer_config", "orphan_directory", "orphan_images", "orphan_route"]],
      ["#8", ["orphan_directory"]],
      ["#9", ["orphan_route"]],
    ]);
    expect(drifts.every((drift) => drift.site === null)).toBe(true);
  });

  it("repairs route files named by site name (before routes were keyed by id): the site's route replaces its own, the rest are leftovers", () => {
    const legacyRoutes = [{ siteName: "plain" as SiteName }, { siteName: "gone" as SiteName }];
    const upgraded = computeDrift({
      expected: [expect_(plain), expect_(app)],
      orchestrator: orchestrator([healthy(plain), healthy(app)]),
      router: { ...split, routes: [splitRoute(app)], legacyRoutes },
      certificates: [],
      hasOrphans: true,
    });
    expect(kinds(upgraded)).toEqual([
      ["plain", ["route_missing"]],
      ["gone", ["orphan_route"]],
    ]);
    expect(upgraded[0]?.findings[0]?.message).toContain("named by site name");
    expect(upgraded[1]).toMatchObject({ siteId: null, legacyRouteName: "gone" });
    // Both files there: the old one is still drift of the site; in the shared topology any route file is.
    const both = { ...split, routes: [splitRoute(plain)], legacyRoutes: [{ siteName: "plain" as SiteName }] };
    for (const router of [both, { ...shared, legacyRoutes: both.legacyRoutes }]) {
      const drifts = computeDrift({
        expected: [expect_(plain)],
        orchestrator: orchestrator([healthy(plain)]),
        router,
        certificates: [],
        hasOrphans: false,
      });
      expect(kinds(drifts)).toEqual([["plain", ["route_stale"]]]);
    }
  });

  it("does not count a site's older images as drift (Swarm's task history may still hold them)", () => {
    const dynamic = site(3, "app", { type: "dynamic" });
    const withOld = { ...healthy(dynamic), images: ["director/lab1-site-3:old", "director/lab1-site-3:new"] };
    const drifts = computeDrift({
      expected: [expect_(dynamic)],
      orchestrator: orchestrator([withOld]),
      router: shared,
      certificates: [],
      hasOrphans: true,
    });
    expect(drifts).toEqual([]);
  });

  it("looks for no leftovers when checking one site", () => {
    const drifts = computeDrift({
      expected: [expect_(plain)],
      orchestrator: orchestrator([healthy(plain), healthy(site(7, "gone", { type: "dynamic" }))]),
      router: shared,
      certificates: [],
      hasOrphans: false,
    });
    expect(drifts).toEqual([]);
  });

  it("finds a certificate the database says a site has but the router lacks, and one no site has", () => {
    const shop = site(4, "shop", {
      domains: ["a.example", "b.example"] as SiteRecord["domains"],
      httpsDomains: ["a.example", "b.example"] as SiteRecord["httpsDomains"],
    });
    const drifts = computeDrift({
      expected: [expect_(shop)],
      orchestrator: orchestrator([healthy(shop)]),
      router: shared,
      certificates: ["a.example", "gone.example"],
      hasOrphans: true,
    });
    expect(kinds(drifts)).toEqual([
      ["shop", ["certificate_missing"]],
      ["gone.example", ["orphan_certificate"]],
    ]);
    expect(drifts[0]?.findings[0]?.message).toContain("b.example");
    expect(repairStepsFor(drifts[0]?.findings ?? [])).toEqual(["ensure_certificates", "write_balancer_config"]);
    // A certificate a balancer file still names waits for that file's repair.
    const naming = {
      ...healthy(shop),
      balancer: {
        ...healthy(shop).balancer,
        spec: {
          ...specs.balancerSpec(shop),
          httpsDomains: ["a.example", "b.example", "gone.example"] as SiteRecord["httpsDomains"],
        },
      },
    };
    expect(
      kinds(
        computeDrift({
          expected: [expect_(shop)],
          orchestrator: orchestrator([naming]),
          router: shared,
          certificates: ["a.example", "b.example", "gone.example"],
          hasOrphans: true,
        }),
      ),
    ).toEqual([["shop", ["balancer_config_stale"]]]);
    // Looking at one site, leftovers are not looked for.
    expect(
      kinds(
        computeDrift({
          expected: [expect_(shop)],
          orchestrator: orchestrator([healthy(shop)]),
          router: shared,
          certificates: ["a.example", "b.example", "gone.example"],
          hasOrphans: false,
        }),
      ),
    ).toEqual([]);
  });

  it("finds a balancer that serves a site at other domains than the database lists", () => {
    const shop = site(4, "shop", { domains: ["a.example"] as SiteRecord["domains"] });
    const stale = {
      ...healthy(shop),
      balancer: { ...healthy(shop).balancer, spec: specs.balancerSpec(site(4, "shop")) },
    };
    expect(
      kinds(
        computeDrift({
          expected: [expect_(shop)],
          orchestrator: orchestrator([stale]),
          router: shared,
          certificates: [],
          hasOrphans: true,
        }),
      ),
    ).toEqual([["shop", ["balancer_config_stale"]]]);
  });
});

describe("repairStepsFor", () => {
  it.each([
    [["directory_missing"], ["create_site_directories"]],
    [["service_missing"], ["sync_service"]],
    [
      ["service_unexpected", "balancer_config_stale"],
      ["sync_service", "write_balancer_config"],
    ],
    [
      ["route_stale", "directory_missing", "service_replicas_wrong"],
      ["create_site_directories", "sync_service", "add_route"],
    ],
    [
      ["balancer_config_missing", "route_missing"],
      ["write_balancer_config", "add_route"],
    ],
    [
      ["service_missing", "missing_database"],
      ["ensure_site_database", "sync_service"],
    ],
  ] as const)("%j → %j", (found, steps) => {
    expect(repairStepsFor(found.map((kind) => ({ kind, message: "" })))).toEqual(steps);
  });
});
