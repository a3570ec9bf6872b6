import { describe, expect, it } from "vitest";
import { nextSiteRequestStatus, type SiteRequestStage, type SiteRequestStatus } from "./site-request.js";

describe("nextSiteRequestStatus", () => {
  it.each<[SiteRequestStatus, SiteRequestStage, boolean, SiteRequestStatus]>([
    ["awaiting_teacher", "teacher", true, "awaiting_admin"],
    ["awaiting_teacher", "teacher", false, "rejected_by_teacher"],
    ["awaiting_admin", "admin", true, "approved"],
    ["awaiting_admin", "admin", false, "rejected_by_admin"],
  ])("%s, %s decides approve=%s → %s", (current, stage, isApproved, expected) => {
    expect(nextSiteRequestStatus(current, stage, isApproved)).toBe(expected);
  });

  it.each<[SiteRequestStatus, SiteRequestStage]>([
    ["awaiting_teacher", "admin"],
    ["awaiting_admin", "teacher"],
    ["approved", "admin"],
    ["approved", "teacher"],
    ["rejected_by_teacher", "teacher"],
    ["rejected_by_teacher", "admin"],
    ["rejected_by_admin", "admin"],
  ])("refuses a decision on a %s request by the %s", (current, stage) => {
    for (const isApproved of [true, false]) {
      expect(() => nextSiteRequestStatus(current, stage, isApproved)).toThrow(
        expect.objectContaining({ code: "REQUEST_STATE_INVALID" }),
      );
    }
  });
});
