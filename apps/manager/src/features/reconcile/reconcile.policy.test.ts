import { describe, expect, it } from "vitest";
import { canReconcile } from "./reconcile.policy.js";

describe("canReconcile", () => {
  it.each([
    [{ id: 1, username: "admin", isSuperuser: true }, true],
    [{ id: 2, username: "student", isSuperuser: false }, false],
  ])("%j → %s", (actor, expected) => {
    expect(canReconcile(actor)).toBe(expected);
  });
});
