import { DirectorError } from "@director/domain/errors";
import { describe, expect, it } from "vitest";
import { ConnectionLimits } from "./connection-limits.js";

const refusal = (kind: string) => new DirectorError("LOG_STREAM_LIMIT", kind);

describe("ConnectionLimits", () => {
  it("refuses an account past its own limit while another account still gets a place", () => {
    const limits = new ConnectionLimits({ perAccount: 2, total: 10 }, refusal);
    limits.take(1);
    limits.take(1);
    expect(() => limits.take(1)).toThrow(expect.objectContaining({ code: "LOG_STREAM_LIMIT", message: "account" }));
    expect(() => limits.take(2)).not.toThrow();
    expect([limits.openCount(1), limits.openCount(2), limits.openCount()]).toEqual([2, 1, 3]);
  });

  it("refuses everyone past the total, and a place given back can be taken again", () => {
    const limits = new ConnectionLimits({ perAccount: 5, total: 3 }, refusal);
    const releases = [limits.take(1), limits.take(2), limits.take(3)];
    expect(() => limits.take(4)).toThrow(expect.objectContaining({ message: "total" }));
    releases[1]?.();
    expect(() => limits.take(4)).not.toThrow();
    expect(limits.openCount()).toBe(3);
  });

  it("gives a place back once however often its release is called", () => {
    const limits = new ConnectionLimits({ perAccount: 1 }, refusal);
    const release = limits.take(7);
    release();
    release();
    expect([limits.openCount(7), limits.openCount()]).toEqual([0, 0]);
    const again = limits.take(7);
    release(); // the first place's release must not free the second one
    expect(limits.openCount(7)).toBe(1);
    expect(() => limits.take(7)).toThrow();
    again();
    expect(limits.openCount()).toBe(0);
  });

  it("has no total unless one is given", () => {
    const limits = new ConnectionLimits({ perAccount: 1 }, refusal);
    for (let account = 0; account < 1000; account++) limits.take(account);
    expect(limits.openCount()).toBe(1000);
  });
});
