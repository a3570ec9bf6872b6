/** The licence is stated once in LICENSE and declared by every package, so a package published or copied alone says it. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..", "..");
const packageFiles = [
  "package.json",
  ...["apps", "packages"].flatMap((folder) =>
    readdirSync(path.join(root, folder)).map((name) => path.join(folder, name, "package.json")),
  ),
];

describe("the licence", () => {
  it("is the MIT licence, in LICENSE", () => {
    expect(readFileSync(path.join(root, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it.each(packageFiles)("is declared by %s", (file) => {
    expect(JSON.parse(readFileSync(path.join(root, file), "utf8")).license).toBe("MIT");
  });

  it("is acknowledged in the README with the original Director 4.0 by the TJHSST Computer Systems Lab", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toContain("[LICENSE](LICENSE)");
    expect(readme).toMatch(
      /Director 4\.0\]\(https:\/\/github\.com\/tjcsl\/director4\), built by the\s+Computer Systems Lab/,
    );
  });
});
