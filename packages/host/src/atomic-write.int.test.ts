import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "director-atomic-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates a file and replaces it, leaving no temporary file behind", async () => {
    const path = join(dir, "a.conf");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, Buffer.from("two"));
    expect(await readFile(path, "utf8")).toBe("two");
    expect(await readdir(dir)).toEqual(["a.conf"]);
  });

  it("applies the mode exactly, whatever the umask", async () => {
    const path = join(dir, "secret");
    await writeFileAtomic(path, "x", { mode: 0o600 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFileAtomic(path, "y", { mode: 0o664 });
    expect((await stat(path)).mode & 0o777).toBe(0o664);
  });

  it("stages through the given temporary path", async () => {
    const path = join(dir, "a.conf");
    await writeFile(`${path}.next`, "leftover from a crash");
    await writeFileAtomic(path, "new", { tempPath: `${path}.next` });
    expect(await readFile(path, "utf8")).toBe("new");
    expect(await readdir(dir)).toEqual(["a.conf"]);
  });

  it("refuses a temporary path in another directory (rename is atomic only within one)", async () => {
    await expect(writeFileAtomic(join(dir, "a"), "x", { tempPath: join(tmpdir(), "a.next") })).rejects.toThrow(
      "must be in the directory",
    );
  });

  it("cleans up its temporary file when the rename fails", async () => {
    // Renaming a file over a non-empty directory fails (EISDIR), after the content was written and synced.
    const path = join(dir, "target");
    await mkdir(join(path, "inner"), { recursive: true });
    await expect(writeFileAtomic(path, "x")).rejects.toThrow(expect.objectContaining({ code: "EISDIR" }));
    expect(await readdir(dir)).toEqual(["target"]);
  });
});
