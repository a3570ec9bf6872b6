import { describe, expect, it } from "vitest";
import { checkReadiness } from "./readiness.js";

describe("checkReadiness", () => {
  it("is ready when every check resolves, and with no checks at all", async () => {
    expect(await checkReadiness("router", { nginx: async () => undefined })).toEqual({
      ready: true,
      component: "router",
      checks: { nginx: { ok: true } },
    });
    expect(await checkReadiness("shell", {})).toEqual({ ready: true, component: "shell", checks: {} });
  });

  it("names each failed check with its reason, and reports one that hangs as such without waiting for it", async () => {
    const started = Date.now();
    const answer = await checkReadiness("manager", {
      database: async () => undefined,
      redis: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")),
      rabbitmq: () => new Promise(() => undefined),
    });
    expect(answer).toEqual({
      ready: false,
      component: "manager",
      checks: {
        database: { ok: true },
        redis: { ok: false, problem: "connect ECONNREFUSED 127.0.0.1:6379" },
        rabbitmq: { ok: false, problem: "no answer within 3000 ms" },
      },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
