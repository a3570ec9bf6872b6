import { describe, expect, it } from "vitest";
import { planUpload, summarizeFailures } from "./upload-plan";

const file = (size: number) => new Blob([new Uint8Array(size)]);

describe("planUpload", () => {
  it("puts each file at its path under the folder and counts the bytes", () => {
    const plan = planUpload("public", [
      { relativePath: "a.html", file: file(10) },
      { relativePath: "img/logo.png", file: file(30) },
    ]);
    expect(plan.items.map((item) => [item.path, item.sizeBytes])).toEqual([
      ["public/a.html", 10],
      ["public/img/logo.png", 30],
    ]);
    expect(plan.totalBytes).toBe(40);
    expect(planUpload("", [{ relativePath: "a.html", file: file(1) }]).items[0]?.path).toBe("a.html");
  });
  it("makes shell scripts executable, as the site's process runs them", () => {
    const plan = planUpload("", [
      { relativePath: "run.sh", file: file(1) },
      { relativePath: "index.html", file: file(1) },
    ]);
    expect(plan.items.map((item) => item.mode)).toEqual(["755", undefined]);
  });
  it("refuses paths the server would refuse, with why", () => {
    const plan = planUpload("public", [{ relativePath: "../x", file: file(1) }]);
    expect(plan.items).toEqual([]);
    expect(plan.refused).toEqual([{ path: "public/../x", reason: "A name cannot be “.” or “..”." }]);
  });
  it("makes the folders that hold no file on their own", () => {
    const plan = planUpload(
      "public",
      [{ relativePath: "site/css/a.css", file: file(1) }],
      ["site", "site/css", "site/empty"],
    );
    expect(plan.emptyFolders).toEqual(["public/site/empty"]);
  });
});

describe("summarizeFailures", () => {
  it("says one line per error code with the first names", () => {
    const tooLarge = (path: string) => ({ path, code: "UPLOAD_TOO_LARGE", message: "Too large." });
    expect(
      summarizeFailures([
        tooLarge("a"),
        tooLarge("b"),
        tooLarge("c"),
        tooLarge("d"),
        { path: "e", code: "PATH_EXISTS", message: "A folder is there." },
      ]),
    ).toEqual([
      "UPLOAD_TOO_LARGE (4 files: a, b, c and 1 more): Too large.",
      "PATH_EXISTS (1 file: e): A folder is there.",
    ]);
    expect(summarizeFailures([])).toEqual([]);
  });
});
