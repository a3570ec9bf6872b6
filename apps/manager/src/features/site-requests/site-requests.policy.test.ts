import type { Actor } from "@director/domain/actor";
import { describe, expect, it } from "vitest";
import { canActOnSiteRequest, canRequestSite, type SiteRequestAction } from "./site-requests.policy.js";

const admin: Actor = { id: 1, username: "admin", isSuperuser: true };
const student: Actor = { id: 2, username: "sam", isSuperuser: false, role: "student" };
const sponsor: Actor = { id: 3, username: "tina", isSuperuser: false, role: "teacher" };
const otherTeacher: Actor = { id: 4, username: "tom", isSuperuser: false, role: "teacher" };
const otherStudent: Actor = { id: 5, username: "stu", isSuperuser: false, role: "student" };
const request = { requesterId: 2, sponsorId: 3 };

describe("canActOnSiteRequest", () => {
  const table: Array<[Actor, SiteRequestAction, boolean]> = [
    [student, "view", true],
    [sponsor, "view", true],
    [admin, "view", true],
    [otherTeacher, "view", false],
    [otherStudent, "view", false],
    [sponsor, "decide_as_teacher", true],
    [student, "decide_as_teacher", false],
    [otherTeacher, "decide_as_teacher", false],
    [admin, "decide_as_teacher", false],
    [admin, "decide_as_admin", true],
    [sponsor, "decide_as_admin", false],
    [student, "decide_as_admin", false],
    [admin, "see_private_comment", true],
    [sponsor, "see_private_comment", false],
    [student, "see_private_comment", false],
  ];
  it.each(table)("%o %s → %s", (actor, action, expected) => {
    expect(canActOnSiteRequest(actor, request, action)).toBe(expected);
  });
});

describe("canRequestSite", () => {
  it.each([
    [student, true],
    [{ id: 9, username: "legacy", isSuperuser: false }, true],
    [sponsor, false],
    [admin, false],
    [{ id: 8, username: "bot", isSuperuser: false, role: "service" } as Actor, false],
  ] as const)("%o → %s", (actor, expected) => {
    expect(canRequestSite(actor)).toBe(expected);
  });
});
