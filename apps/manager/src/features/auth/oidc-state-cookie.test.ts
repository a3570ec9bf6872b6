import { fastifyCookie } from "@fastify/cookie";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { OidcStateCookie, oidcStateMaxAgeMs } from "./oidc-state-cookie.js";

const pending = { state: "st", nonce: "no", codeVerifier: "v".repeat(43) };
const now = new Date("2030-01-01T00:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

describe("OidcStateCookie", () => {
  const cookie = new OidcStateCookie("client-secret-1");

  it("opens what it sealed until it expires", () => {
    const sealed = cookie.seal(pending, now);
    expect(cookie.open(sealed, later(oidcStateMaxAgeMs - 1))).toEqual(pending);
    expect(() => cookie.open(sealed, later(oidcStateMaxAgeMs))).toThrowError(
      expect.objectContaining({ code: "OIDC_STATE_INVALID" }),
    );
  });

  it("opens what went through a Set-Cookie header and back (the signature's base64 is encoded there)", async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    app.get("/start", (request, reply) => {
      const state = (request.query as { state: string }).state;
      return reply.setCookie("director_oidc", cookie.seal({ ...pending, state }, now)).send();
    });
    app.get("/callback", async (request) => cookie.open(request.cookies.director_oidc, now));
    try {
      // signatures with and without "+" and "/" (base64), which the header carries percent-encoded
      const states = Array.from({ length: 12 }, (_, index) => `state-${index}`);
      const signatures = states.map((state) => cookie.seal({ ...pending, state }, now).split(".")[1] ?? "");
      expect(signatures.some((signature) => /[+/]/.test(signature))).toBe(true);
      for (const state of states) {
        const started = await app.inject({ method: "GET", url: "/start", query: { state } });
        const setCookie = String(started.headers["set-cookie"]).split(";")[0] ?? "";
        const callback = await app.inject({ method: "GET", url: "/callback", headers: { cookie: setCookie } });
        expect(callback.json()).toEqual({ ...pending, state });
      }
    } finally {
      await app.close();
    }
  });

  it.each([
    ["missing", () => undefined],
    ["empty", () => ""],
    ["without a MAC", () => cookie.seal(pending, now).split(".")[0]],
    ["with a MAC cut short", () => cookie.seal(pending, now).slice(0, -1)],
    [
      "with an altered payload",
      () => {
        const [payload, mac] = cookie.seal(pending, now).split(".");
        const altered = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
        altered.state = "attacker";
        return `${Buffer.from(JSON.stringify(altered)).toString("base64url")}.${mac}`;
      },
    ],
    ["signed with another key", () => new OidcStateCookie("another-secret").seal(pending, now)],
    ["not JSON", () => "bm90IGpzb24.x"],
  ])("refuses a cookie %s", (_case, make) => {
    expect(() => cookie.open(make(), now)).toThrowError(expect.objectContaining({ code: "OIDC_STATE_INVALID" }));
  });
});
