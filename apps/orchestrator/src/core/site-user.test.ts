import type { SiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import { defaultSiteUidBase, isSiteUser, maxSiteUid, siteUserOf } from "./site-user.js";

describe("siteUserOf", () => {
  it("gives each site its own uid and gid, base + id", () => {
    expect(siteUserOf(1 as SiteId, defaultSiteUidBase)).toEqual({ uid: 2_000_000_001, gid: 2_000_000_001 });
    expect(siteUserOf(42 as SiteId, 300_000)).toEqual({ uid: 300_042, gid: 300_042 });
    expect(isSiteUser(siteUserOf(1 as SiteId, defaultSiteUidBase))).toBe(true);
  });

  it("refuses a site whose uid would not fit under 2^31-2, naming the variable to change", () => {
    const lastId = (maxSiteUid - defaultSiteUidBase) as SiteId;
    expect(siteUserOf(lastId, defaultSiteUidBase).uid).toBe(maxSiteUid);
    expect(() => siteUserOf((lastId + 1) as SiteId, defaultSiteUidBase)).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining("DIRECTOR_SITE_UID_BASE") }),
    );
  });
});
