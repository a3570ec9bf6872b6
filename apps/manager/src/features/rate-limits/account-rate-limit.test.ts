import type { Actor } from "@director/domain/actor";
import { isDirectorError } from "@director/domain/errors";
import { describe, expect, it } from "vitest";
import { InMemoryAccountRateLimit } from "./account-rate-limit.js";

const alice: Actor = { id: 2, username: "alice", isSuperuser: false };
const bob: Actor = { id: 3, username: "bob", isSuperuser: false };
const admin: Actor = { id: 1, username: "admin", isSuperuser: true };

function limitAt(clock: { nowMs: number }) {
  return new InMemoryAccountRateLimit({
    limit: "site_requests",
    what: "site requests",
    rule: { max: 2, windowMs: 3_600_000 },
    now: () => clock.nowMs,
  });
}

function refusalOf(take: () => void) {
  try {
    take();
  } catch (error) {
    if (isDirectorError(error)) return error;
    throw error;
  }
  return null;
}

describe("InMemoryAccountRateLimit", () => {
  it("allows `max` uses per window, then refuses with the time left until the window ends", () => {
    const clock = { nowMs: 0 };
    const limit = limitAt(clock);
    limit.take(alice);
    clock.nowMs = 60_000;
    limit.take(alice);
    clock.nowMs = 600_000;
    const refused = refusalOf(() => limit.take(alice));
    expect(refused?.code).toBe("ACCOUNT_RATE_LIMITED");
    expect(refused?.details).toEqual({ limit: "site_requests", max: 2, retryAfterSeconds: 3000 });
    expect(refused?.message).toBe("At most 2 site requests per account in 60 min; try again in 50 min.");
  });

  it("counts each account on its own, and not the uses it refused", () => {
    const clock = { nowMs: 0 };
    const limit = limitAt(clock);
    limit.take(alice);
    limit.take(alice);
    for (let i = 0; i < 5; i++) expect(refusalOf(() => limit.take(alice))).not.toBeNull();
    limit.take(bob);
    limit.take(bob);
    // a new window: the refused tries did not count against it
    clock.nowMs = 3_600_000;
    limit.take(alice);
    limit.take(alice);
    expect(refusalOf(() => limit.take(alice))?.details?.retryAfterSeconds).toBe(3600);
  });

  it("says seconds when little is left", () => {
    const clock = { nowMs: 0 };
    const limit = limitAt(clock);
    limit.take(alice);
    limit.take(alice);
    clock.nowMs = 3_600_000 - 1_500;
    expect(refusalOf(() => limit.take(alice))?.message).toMatch(/try again in 2 s\.$/);
  });

  it("never counts administrators", () => {
    const limit = limitAt({ nowMs: 0 });
    for (let i = 0; i < 10; i++) expect(refusalOf(() => limit.take(admin))).toBeNull();
    limit.take(alice);
    limit.take(alice);
  });

  it("forgets ended windows once it tracks many accounts", () => {
    const clock = { nowMs: 0 };
    const limit = limitAt(clock);
    for (let id = 100; id < 100 + 1024; id++) limit.take({ id, username: `u${id}`, isSuperuser: false });
    limit.take(alice);
    limit.take(alice);
    clock.nowMs = 3_600_000;
    limit.take(bob); // sweeps: every window so far has ended
    limit.take(alice);
    limit.take(alice);
    expect(refusalOf(() => limit.take(alice))).not.toBeNull();
  });
});
