import type { Actor } from "@director/domain/actor";
import { describe, expect, it } from "vitest";
import type { SiteAccessFacts } from "../sites/sites.policy.js";
import { canViewOperation, type OperationAccessFacts } from "./operations.policy.js";

const admin: Actor = { id: 1, username: "admin", isSuperuser: true };
const alice: Actor = { id: 2, username: "alice", isSuperuser: false, role: "student" };

const member: SiteAccessFacts = { purpose: "project", availability: "enabled", isMember: true };
const notMember: SiteAccessFacts = { ...member, isMember: false };

const startedBy = (createdBy: number | null, siteId: number | null = 7): OperationAccessFacts => ({
  siteId,
  createdBy,
});

describe("canViewOperation", () => {
  const table: Array<[string, Actor, OperationAccessFacts, SiteAccessFacts | null, boolean]> = [
    ["an administrator sees any site's operation", admin, startedBy(2), notMember, true],
    ["an administrator sees an operation without a site", admin, startedBy(2, null), null, true],
    ["a member sees the site's operations, whoever started them", alice, startedBy(1), member, true],
    ["a member sees them on a disabled site too", alice, startedBy(1), { ...member, availability: "disabled" }, true],
    ["a member sees the ones they started", alice, startedBy(2), member, true],
    ["its starter, removed from the site, sees it no more", alice, startedBy(2), notMember, false],
    ["someone else sees nothing of the site", alice, startedBy(1), notMember, false],
    ["its starter sees an operation whose site is gone", alice, startedBy(2, null), null, true],
    ["nobody else sees an operation whose site is gone", alice, startedBy(1, null), null, false],
    ["nobody else sees a system operation whose site is gone", alice, startedBy(null, null), null, false],
  ];

  it.each(table)("%s", (_label, actor, operation, site, expected) => {
    expect(canViewOperation(actor, operation, site)).toBe(expected);
  });
});
