import { describe, expect, it } from "vitest";
import {
  ancestorsOf,
  baseName,
  dropTargetPath,
  isHiddenName,
  isSameOrInside,
  movedPath,
  pathProblem,
  tidyPath,
} from "./workspace-paths";

describe("baseName and ancestorsOf", () => {
  it("take a path apart", () => {
    expect(baseName("public/css/a.css")).toBe("a.css");
    expect(baseName("run.sh")).toBe("run.sh");
    expect(ancestorsOf("public/css/a.css")).toEqual(["", "public", "public/css"]);
    expect(ancestorsOf("run.sh")).toEqual([""]);
  });
});

describe("isSameOrInside", () => {
  it("counts the folder itself and what is below it, not a sibling sharing a prefix", () => {
    expect(isSameOrInside("public", "public")).toBe(true);
    expect(isSameOrInside("public/a.html", "public")).toBe(true);
    expect(isSameOrInside("public-old/a.html", "public")).toBe(false);
    expect(isSameOrInside("anything", "")).toBe(true);
  });
});

describe("movedPath", () => {
  it("follows the moved entry and everything inside it", () => {
    expect(movedPath("public/a.html", "public/a.html", "public/b.html")).toBe("public/b.html");
    expect(movedPath("public/css/a.css", "public/css", "styles")).toBe("styles/a.css");
    expect(movedPath("public/css-old/a.css", "public/css", "styles")).toBe("public/css-old/a.css");
    expect(movedPath("run.sh", "public", "www")).toBe("run.sh");
  });
});

describe("dropTargetPath", () => {
  it("moves an entry into another folder under its own name", () => {
    expect(dropTargetPath("public/a.html", "drafts")).toBe("drafts/a.html");
    expect(dropTargetPath("public/a.html", "")).toBe("a.html");
  });
  it("refuses a drop that changes nothing or puts a folder into itself", () => {
    expect(dropTargetPath("public/a.html", "public")).toBeNull();
    expect(dropTargetPath("public", "public")).toBeNull();
    expect(dropTargetPath("public", "public/css")).toBeNull();
  });
});

describe("tidyPath and pathProblem", () => {
  it("tidies what a person typed", () => {
    expect(tidyPath("  /public//css/ ")).toBe("public/css");
    expect(tidyPath("a.html")).toBe("a.html");
  });
  it("says what the server would refuse", () => {
    expect(pathProblem("")).toBe("Enter a name.");
    expect(pathProblem("public/../etc")).toMatch(/“\.\.”/);
    expect(pathProblem("x".repeat(256))).toMatch(/255 bytes/);
    expect(pathProblem("public/css/new.css")).toBeNull();
  });
});

describe("isHiddenName", () => {
  it("is true for dot files", () => {
    expect(isHiddenName(".env")).toBe(true);
    expect(isHiddenName("env")).toBe(false);
  });
});
