import type { Actor } from "@director/domain/actor";
import { describe, expect, it } from "vitest";
import { canActOnSite, canCreateSite, type SiteAccessFacts, type SiteAction } from "./sites.policy.js";

const admin: Actor = { id: 1, username: "admin", isSuperuser: true };
const student: Actor = { id: 2, username: "alice", isSuperuser: false, role: "student" };
const teacher: Actor = { id: 3, username: "tina", isSuperuser: false, role: "teacher" };
const service: Actor = { id: 4, username: "robot", isSuperuser: false, role: "service" };

const site = (facts: Partial<SiteAccessFacts>): SiteAccessFacts => ({
  purpose: "project",
  availability: "enabled",
  isMember: true,
  ...facts,
});

describe("canActOnSite", () => {
  const table: Array<[string, Actor, SiteAccessFacts, SiteAction, boolean]> = [
    ["admin views any site", admin, site({ isMember: false }), "view", true],
    ["admin edits a disabled site", admin, site({ isMember: false, availability: "disabled" }), "edit_files", true],
    ["admin deletes a project site", admin, site({ isMember: false }), "delete", true],
    ["member views", student, site({}), "view", true],
    ["member edits files", student, site({}), "edit_files", true],
    ["member edits a not-served site", student, site({ availability: "not-served" }), "edit_files", true],
    ["member may not edit a disabled site", student, site({ availability: "disabled" }), "edit_files", false],
    ["member still sees a disabled site", student, site({ availability: "disabled" }), "view", true],
    ["member may not delete a project site", student, site({}), "delete", false],
    ["member deletes their personal site", student, site({ purpose: "personal" }), "delete", true],
    [
      "member may not delete a disabled personal site",
      student,
      site({ purpose: "personal", availability: "disabled" }),
      "delete",
      false,
    ],
    ["admin administers any site", admin, site({ isMember: false }), "administer", true],
    ["member may not administer their site", student, site({}), "administer", false],
    ["member may not administer their personal site", student, site({ purpose: "personal" }), "administer", false],
    ["member manages a project site's members", student, site({}), "manage_members", true],
    [
      "member may not manage a disabled site's members",
      student,
      site({ availability: "disabled" }),
      "manage_members",
      false,
    ],
    [
      "owner manages their personal site's members",
      student,
      site({ purpose: "personal", isOwner: true }),
      "manage_members",
      true,
    ],
    [
      "guest may not manage a personal site's members",
      student,
      site({ purpose: "personal", isOwner: false }),
      "manage_members",
      false,
    ],
    [
      "guest may not delete someone's personal site",
      student,
      site({ purpose: "personal", isOwner: false }),
      "delete",
      false,
    ],
    ["member edits the description", student, site({}), "edit_description", true],
    [
      "member may not edit a disabled site's description",
      student,
      site({ availability: "disabled" }),
      "edit_description",
      false,
    ],
    ["admin manages any site's members", admin, site({ isMember: false, purpose: "personal" }), "manage_members", true],
    ["non-member may not manage members", student, site({ isMember: false }), "manage_members", false],
    ["non-member may not view", student, site({ isMember: false }), "view", false],
    ["non-member may not edit", student, site({ isMember: false }), "edit_files", false],
    [
      "non-member may not delete a personal site",
      student,
      site({ isMember: false, purpose: "personal" }),
      "delete",
      false,
    ],
  ];
  it.each(table)("%s", (_label, actor, facts, action, expected) => {
    expect(canActOnSite(actor, facts, action)).toBe(expected);
  });
});

describe("canCreateSite", () => {
  it.each([
    [admin, "project", "club-site", true],
    [admin, "personal", "someone", true],
    [student, "personal", "alice", true],
    [student, "personal", "bob", false],
    [student, "project", "alice", false],
    [student, "activity", "chess", false],
    [student, "other", "misc", false],
    [teacher, "project", "physics", true],
    [teacher, "personal", "tina", true],
    [teacher, "personal", "alice", false],
    [teacher, "activity", "chess", false],
    [service, "personal", "robot", false],
    [service, "project", "bots", false],
    [admin, "activity", "chess", true],
  ] as const)("%o creates %s site %s: %s", (actor, purpose, name, expected) => {
    expect(canCreateSite(actor, { purpose, name })).toBe(expected);
  });
});
