import { describe, expect, it } from "vitest";
import { afterMove, afterRemoval, withFolder } from "./expanded-folders";

describe("withFolder", () => {
  it("opens a folder with the folders above it, once each", () => {
    expect(withFolder(["public"], "public/css/fonts", true)).toEqual(["public", "public/css", "public/css/fonts"]);
    expect(withFolder(["public"], "public", true)).toEqual(["public"]);
  });
  it("closes only the folder itself (its subfolders open again with it)", () => {
    expect(withFolder(["public", "public/css"], "public", false)).toEqual(["public/css"]);
  });
  it("keeps at most 64, dropping the oldest", () => {
    const many = Array.from({ length: 64 }, (_, index) => `f${index}`);
    const next = withFolder(many, "new", true);
    expect(next).toHaveLength(64);
    expect(next[0]).toBe("f1");
    expect(next.at(-1)).toBe("new");
  });
});

describe("afterMove and afterRemoval", () => {
  it("follows a moved folder and what is inside it", () => {
    expect(afterMove(["public", "public/css", "private"], "public", "www")).toEqual(["www", "www/css", "private"]);
  });
  it("forgets a removed folder and what was inside it", () => {
    expect(afterRemoval(["public", "public/css", "public-old"], "public")).toEqual(["public-old"]);
  });
});
