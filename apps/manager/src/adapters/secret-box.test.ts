import { DirectorError } from "@director/domain/errors";
import { describe, expect, it } from "vitest";
import { generateSecretsKey, SecretBox } from "./secret-box.js";

const secret = "postgres://admin:s3cret@db.school.test:5432/postgres";

function refusal(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof DirectorError ? error.code : "not a DirectorError";
  }
  return undefined;
}

describe("SecretBox", () => {
  it("opens what it sealed, and seals the same text differently each time (a random IV)", () => {
    const box = new SecretBox(generateSecretsKey());
    const first = box.seal(secret);
    const second = box.seal(secret);
    expect(first).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(first).not.toContain("s3cret");
    expect(first).not.toBe(second);
    expect(box.open(first)).toBe(secret);
    expect(box.open(second)).toBe(secret);
  });

  it("refuses a value with one byte changed, in the ciphertext, the tag or the IV", () => {
    const box = new SecretBox(generateSecretsKey());
    const [version, ...parts] = box.seal(secret).split(":");
    for (const index of [0, 1, 2]) {
      const changed = parts.map((part, at) => {
        if (at !== index) return part;
        const bytes = Buffer.from(part, "base64url");
        bytes[0] = (bytes[0] ?? 0) ^ 1;
        return bytes.toString("base64url");
      });
      expect(refusal(() => box.open([version, ...changed].join(":")))).toBe("SECRET_UNREADABLE");
    }
  });

  it("refuses a value sealed with another key, and text that is no sealed value", () => {
    const sealed = new SecretBox(generateSecretsKey()).seal(secret);
    const other = new SecretBox(generateSecretsKey());
    expect(refusal(() => other.open(sealed))).toBe("SECRET_UNREADABLE");
    expect(refusal(() => other.open(secret))).toBe("SECRET_UNREADABLE");
    expect(refusal(() => other.open(sealed.replace(/^v1/, "v2")))).toBe("SECRET_UNREADABLE");
  });

  it("takes only a 32-byte key", () => {
    expect(refusal(() => new SecretBox(Buffer.alloc(16).toString("base64")))).toBe("CONFIG_INVALID");
  });
});
