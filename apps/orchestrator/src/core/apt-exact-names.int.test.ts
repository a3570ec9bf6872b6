/**
 * The check script with this machine's own /bin/sh and apt (Debian 12, apt 2.6, its package index present): what
 * the image build runs, without an image. docker-image-builder.int.test.ts runs it in a real build.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { PackageName } from "@director/domain/package-name";
import { describe, expect, it } from "vitest";
import { aptExactNamesScript } from "./apt-exact-names.js";

const run = promisify(execFile);

async function check(names: string[]): Promise<{ exitCode: number; stderr: string }> {
  try {
    const { stderr } = await run("/bin/sh", ["-e", "-c", aptExactNamesScript(names as PackageName[])]);
    return { exitCode: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { exitCode: failed.code, stderr: failed.stderr };
  }
}

describe("aptExactNamesScript on this machine's apt", () => {
  it("passes exact names of packages, one with '+' too", async () => {
    expect(await check(["jq", "g++", "libonig5"])).toEqual({ exitCode: 0, stderr: "" });
  });

  it("fails every name apt-get would read as a pattern or an action, and names each", async () => {
    // apt-get install 'li.onig5' installs libonig5; 'jq-' would remove jq; 'python3-d.+' installs dozens
    const { exitCode, stderr } = await check(["jq", "li.onig5", "jq-", "python3-d.+"]);
    expect(exitCode).toBe(1);
    expect(stderr.split("\n").filter(Boolean)).toEqual([
      "director: no package named li.onig5 in this image's package index",
      "director: no package named jq- in this image's package index",
      "director: no package named python3-d.+ in this image's package index",
      "director: packages are installed by their exact names only (apt-get would read such a name as a pattern)",
    ]);
  });

  it("refuses a prefix of real names, and a virtual name with the way out", async () => {
    expect((await check(["libjq"])).stderr).toContain("no package named libjq in");
    const virtual = await check(["mail-transport-agent"]);
    expect(virtual.exitCode).toBe(1);
    expect(virtual.stderr).toContain("mail-transport-agent is not a package of its own");
  });
});
