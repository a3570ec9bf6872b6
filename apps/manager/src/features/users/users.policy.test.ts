import { describe, expect, it } from "vitest";
import { type AdministrationAction, canAdminister, selfLockoutIn } from "./users.policy.js";

const admin = { id: 1, username: "admin", isSuperuser: true };
const teacher = { id: 2, username: "teacher", isSuperuser: false };
const actions: AdministrationAction[] = ["list_users", "invite_user", "update_user", "read_audit", "send_mass_mail"];

describe("canAdminister", () => {
  it.each(actions.flatMap((action) => [[admin, action, true] as const, [teacher, action, false] as const]))(
    "%o %s → %s",
    (actor, action, expected) => {
      expect(canAdminister(actor, action)).toBe(expected);
    },
  );
});

describe("selfLockoutIn", () => {
  it.each([
    [admin, admin, { isSuperuser: false }, "removes_own_admin"],
    [admin, admin, { isActive: false }, "disables_self"],
    [admin, admin, { isSuperuser: true, isActive: true }, null],
    [admin, admin, {}, null],
    [admin, teacher, { isSuperuser: false, isActive: false }, null],
    [admin, { id: 3 }, { isActive: false }, null],
  ] as const)("%o changing %o with %o → %s", (actor, target, change, expected) => {
    expect(selfLockoutIn(actor, target, change)).toBe(expected);
  });
});
