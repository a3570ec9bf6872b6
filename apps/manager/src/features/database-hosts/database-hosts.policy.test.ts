import { describe, expect, it } from "vitest";
import { canManageDatabaseHosts } from "./database-hosts.policy.js";

describe("canManageDatabaseHosts", () => {
  it.each([
    ["an administrator", { isSuperuser: true }, true],
    ["a teacher or a student", { isSuperuser: false }, false],
  ])("%s: %s", (_who, actor, expected) => {
    expect(canManageDatabaseHosts(actor)).toBe(expected);
  });
});
