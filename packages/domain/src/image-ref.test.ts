import { describe, expect, it } from "vitest";
import { parseImageRef } from "./image-ref.js";

describe("parseImageRef", () => {
  it.each([
    "busybox",
    "director/base-busybox:3e43404414685bc0",
    "registry.example.org:5000/school/node_20:1.2-slim",
    `node@sha256:${"a".repeat(64)}`,
  ])("accepts %s", (value) => {
    expect(parseImageRef(value)).toBe(value);
  });

  it.each(["", "Busybox", "busybox:", "a b", "busybox;rm -rf /", "-busybox", "x".repeat(256), 42])(
    "refuses %j",
    (value) => {
      expect(() => parseImageRef(value)).toThrow(expect.objectContaining({ code: "IMAGE_REF_INVALID" }));
    },
  );
});
