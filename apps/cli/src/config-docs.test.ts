import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readmePath, withConfigTables } from "./config-docs.js";

describe("README.md's configuration tables", () => {
  it("are the ones the code's configuration tables make (else: npm run docs:config)", async () => {
    const readme = await readFile(readmePath, "utf8");
    const lines = (text: string) => text.split("\n");
    // line by line, so that a difference shows as the rows that differ
    expect(lines(readme), "README.md differs from the configuration tables: run npm run docs:config").toEqual(
      lines(withConfigTables(readme)),
    );
  });
});
