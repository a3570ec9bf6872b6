import { describe, expect, it } from "vitest";
import {
  decodeFile,
  encodeText,
  isExecutableMode,
  maxEditableBytes,
  maxOpenBytes,
  openModeForSize,
} from "./file-content";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("openModeForSize", () => {
  it("edits up to 1 MiB, shows up to 5 MiB read-only, refuses more", () => {
    expect(openModeForSize(0)).toBe("edit");
    expect(openModeForSize(maxEditableBytes)).toBe("edit");
    expect(openModeForSize(maxEditableBytes + 1)).toBe("readOnly");
    expect(openModeForSize(maxOpenBytes)).toBe("readOnly");
    expect(openModeForSize(maxOpenBytes + 1)).toBe("tooLarge");
  });
});

describe("decodeFile", () => {
  it("reads UTF-8 text and says how its lines end", () => {
    expect(decodeFile(encodeText("héllo\nworld\n"))).toEqual({
      kind: "text",
      text: "héllo\nworld\n",
      lineSeparator: "\n",
    });
    expect(decodeFile(encodeText("a\r\nb\r\n"))).toMatchObject({ lineSeparator: "\r\n" });
    expect(decodeFile(bytes())).toEqual({ kind: "text", text: "", lineSeparator: "\n" });
  });
  it("keeps a byte order mark, so that saving writes the same bytes", () => {
    const withBom = bytes(0xef, 0xbb, 0xbf, 0x61);
    const decoded = decodeFile(withBom);
    expect(decoded.kind).toBe("text");
    if (decoded.kind === "text") expect(encodeText(decoded.text)).toEqual(withBom);
  });
  it("calls a NUL byte in the first 8 KiB binary, and one after it not", () => {
    expect(decodeFile(bytes(0x89, 0x50, 0x4e, 0x47, 0x00))).toEqual({ kind: "binary" });
    const late = new Uint8Array(9000).fill(0x61);
    late[8500] = 0;
    expect(decodeFile(late).kind).toBe("text");
  });
  it("calls bytes that are not UTF-8 binary", () => {
    expect(decodeFile(bytes(0x61, 0xff, 0x62))).toEqual({ kind: "binary" });
    expect(decodeFile(bytes(0xe2, 0x82))).toEqual({ kind: "binary" }); // a sequence cut short
  });
});

describe("isExecutableMode", () => {
  it("is true when any execute bit is set", () => {
    expect(isExecutableMode(0o755)).toBe(true);
    expect(isExecutableMode(0o744)).toBe(true);
    expect(isExecutableMode(0o100644)).toBe(false);
    expect(isExecutableMode(0o644)).toBe(false);
  });
});
