import { describe, expect, it } from "vitest";
import { findSystemUser } from "./system-user.js";

describe("findSystemUser", () => {
  it("finds root with its primary group name", async () => {
    expect(await findSystemUser("root")).toEqual({ name: "root", uid: 0, gid: 0, groupName: "root" });
  });

  it("returns null for a user that does not exist", async () => {
    expect(await findSystemUser("director-no-such-user")).toBeNull();
  });
});
