import { describe, expect, it } from "vitest";
import { acmeChallengePathPrefix, parseAcmeChallengeToken } from "./acme-challenge.js";

// A token as Let's Encrypt and pebble send them: 43 base64url characters (256 bits, no padding).
const realToken = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";

describe("parseAcmeChallengeToken", () => {
  it.each([realToken, "a", "A-Z_a-z_0-9", "-", "_", "x".repeat(256)])("accepts %j", (token) => {
    expect(parseAcmeChallengeToken(token)).toBe(token);
  });

  it.each([
    ["empty", ""],
    ["dot-dot", ".."],
    ["a dot", "abc.def"],
    ["a slash", "abc/def"],
    ["a leading slash", "/etc"],
    ["a backslash", "abc\\def"],
    ["a traversal", "../../etc/passwd"],
    ["padding", `${realToken}=`],
    ["standard base64's plus", "ab+c"],
    ["a space", "ab c"],
    ["a newline", "abc\n"],
    ["a NUL byte", "abc\u0000"],
    ["non-ASCII letters", "tökén"],
    ["a lookalike of a", "\u0430bc"],
    ["an emoji", "abc\u{1F600}"],
    ["257 characters", "x".repeat(257)],
  ])("refuses %s", (_name, token) => {
    expect(() => parseAcmeChallengeToken(token)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });

  it.each([undefined, null, 42, ["abc"], { token: "abc" }])("refuses the non-string %j", (value) => {
    expect(() => parseAcmeChallengeToken(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("acmeChallengePathPrefix", () => {
  it("is the well-known path of RFC 8555 §8.3, with both slashes", () => {
    expect(acmeChallengePathPrefix).toBe("/.well-known/acme-challenge/");
  });
});
