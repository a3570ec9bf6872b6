import { describe, expect, it } from "vitest";
import { parseSshLoginName } from "./ssh-username.js";

describe("parseSshLoginName", () => {
  it("splits a site off at the first +", () => {
    expect(parseSshLoginName("alice")).toEqual({ username: "alice", site: null });
    expect(parseSshLoginName("alice+blog")).toEqual({ username: "alice", site: "blog" });
    expect(parseSshLoginName("alice+")).toEqual({ username: "alice", site: null });
    expect(parseSshLoginName("alice+a+b")).toEqual({ username: "alice", site: "a+b" });
  });
});
