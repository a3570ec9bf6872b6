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

  it.each([
    ["missing", () => undefined],
    ["empty", () => ""],
    ["without a MAC", () => cookie.seal(pending, now).split(".")[0]],
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
