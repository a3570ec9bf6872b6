import type { ImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import type { SiteServiceSpec } from "./service-runtime.js";
import { checkSiteServiceSpec } from "./site-service-spec.js";

const valid: SiteServiceSpec = {
  siteId: 5 as SiteId,
  siteDirectory: "/srv/sites/5",
  user: { uid: 2_000_000_042, gid: 2_000_000_042 },
  image: "director/base-busybox:1" as ImageRef,
  isEnabled: true,
  limits: { cpus: 0.6, memoryBytes: 100 * 1024 * 1024, pidsLimit: 128 },
  env: { DATABASE_URL: "postgres://db/site_5", _X1: "" },
  networkName: "director-sites",
};

describe("checkSiteServiceSpec", () => {
  it("accepts a valid spec", () => {
    expect(checkSiteServiceSpec(valid)).toBe(valid);
  });

  it.each([
    [{ env: { "bad-name": "x" } }, "SITE_ENV_INVALID"],
    [{ env: { "1ABC": "x" } }, "SITE_ENV_INVALID"],
    [{ env: { lower: "x" } }, "SITE_ENV_INVALID"],
    [{ env: { PORT: "80" } }, "SITE_ENV_INVALID"],
    [{ env: { OK: "a\0b" } }, "SITE_ENV_INVALID"],
    [{ limits: { ...valid.limits, cpus: 0 } }, "SITE_LIMITS_INVALID"],
    [{ limits: { ...valid.limits, cpus: Number.NaN } }, "SITE_LIMITS_INVALID"],
    [{ limits: { ...valid.limits, memoryBytes: 1024 } }, "SITE_LIMITS_INVALID"],
    [{ limits: { ...valid.limits, memoryBytes: 1.5 * 1024 * 1024 * 100 + 0.5 } }, "SITE_LIMITS_INVALID"],
    [{ limits: { ...valid.limits, pidsLimit: 1 } }, "SITE_LIMITS_INVALID"],
    [{ siteDirectory: "sites/5" }, "PATH_INVALID"],
    [{ siteDirectory: "/srv/sites/../5" }, "PATH_INVALID"],
    [{ image: "Bad Image" }, "IMAGE_REF_INVALID"],
    [{ networkName: "bad name" }, "VALIDATION_FAILED"],
    [{ siteId: -1 }, "VALIDATION_FAILED"],
    [{ user: { uid: 0, gid: 0 } }, "VALIDATION_FAILED"],
    [{ user: { uid: 2_000_000_042, gid: 0 } }, "VALIDATION_FAILED"],
    [{ user: { uid: 2 ** 31, gid: 2 ** 31 } }, "VALIDATION_FAILED"],
    [{ user: { uid: 1.5, gid: 1.5 } }, "VALIDATION_FAILED"],
  ])("refuses %j with %s", (override, code) => {
    expect(() => checkSiteServiceSpec({ ...valid, ...override } as SiteServiceSpec)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});
