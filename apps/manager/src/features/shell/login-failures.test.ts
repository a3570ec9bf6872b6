import { describe, expect, it } from "vitest";
import { LoginFailures } from "./login-failures.js";

describe("LoginFailures", () => {
  const limits = { maxPerIp: 3, maxPerUsername: 2, windowMs: 60_000 };

  it("stops a username after its failures, from any address, until the window ends", () => {
    let now = 1_000_000;
    const failures = new LoginFailures(limits, () => now);
    failures.record("192.0.2.1", "alice");
    expect(failures.retryAfterSeconds("192.0.2.9", "alice")).toBe(0);
    failures.record("192.0.2.2", "Alice");
    expect(failures.retryAfterSeconds("192.0.2.9", "alice")).toBe(60);
    expect(failures.retryAfterSeconds("192.0.2.9", "bob")).toBe(0);
    now += 60_000;
    expect(failures.retryAfterSeconds("192.0.2.9", "alice")).toBe(0);
  });

  it("stops an address after its failures whatever the username, an IPv6 client by its /64", () => {
    const failures = new LoginFailures(limits, () => 0);
    failures.record("2001:db8:0:1::1", "a");
    failures.record("2001:db8:0:1::2", "b");
    failures.record("2001:db8:0:1:ffff::3", "c");
    expect(failures.retryAfterSeconds("2001:db8:0:1::99", "d")).toBe(60);
    expect(failures.retryAfterSeconds("2001:db8:0:2::1", "d")).toBe(0);
  });
});
