import { describe, expect, it } from "vitest";
import { canActOnImage, type ImageAction } from "./images.policy.js";

const admin = { id: 1, username: "admin", isSuperuser: true };
const student = { id: 2, username: "alice", isSuperuser: false };
const visible = { isUserVisible: true };
const hidden = { isUserVisible: false };

describe("canActOnImage", () => {
  it.each<[typeof admin, { isUserVisible: boolean } | null, ImageAction, boolean]>([
    [admin, visible, "view", true],
    [admin, hidden, "view", true],
    [admin, hidden, "use", true],
    [admin, null, "manage", true],
    [admin, hidden, "manage", true],
    [student, visible, "view", true],
    [student, visible, "use", true],
    [student, hidden, "view", false],
    [student, hidden, "use", false],
    [student, visible, "manage", false],
    [student, null, "manage", false],
  ])("%o on %o may %s: %s", (actor, image, action, expected) => {
    expect(canActOnImage(actor, image, action)).toBe(expected);
  });
});
