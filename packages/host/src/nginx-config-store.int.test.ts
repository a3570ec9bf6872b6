import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectorError } from "@director/domain/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "./logger.js";
import { parseNginxConfigFileName } from "./nginx-config-file-name.js";
import { NginxConfigStore, type NginxConfigTarget } from "./nginx-config-store.js";

// The store's own rules (no-op, rollback, locking) against a fake nginx on a real directory;
// nginx-server.int.test.ts runs the same store against the real nginx.

/** A fake nginx: `testFiles()` rejects a given file containing "bogus"; reloads fail on demand. */
class FakeNginx implements NginxConfigTarget {
  readonly calls: string[] = [];
  readonly checked: string[][] = [];
  shouldFailReload = false;

  async testFiles(files: readonly string[]): Promise<void> {
    this.calls.push("test");
    this.checked.push([...files]);
    for (const file of files) {
      if ((await readFile(file, "utf8")).includes("bogus")) {
        throw new DirectorError("NGINX_CONFIG_REJECTED", "nginx rejected the configuration", {
          details: { nginxError: `[emerg] unknown directive "bogus" in ${file}:1` },
        });
      }
    }
  }

  async reload(): Promise<void> {
    this.calls.push("reload");
    if (this.shouldFailReload) throw new DirectorError("NGINX_RELOAD_FAILED", "nginx is not running");
  }
}

const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const a = parseNginxConfigFileName("a.conf");
const b = parseNginxConfigFileName("b.conf");

describe("NginxConfigStore", () => {
  let dir: string;
  let nginx: FakeNginx;
  let store: NginxConfigStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "director-store-"));
    nginx = new FakeNginx();
    store = new NginxConfigStore(dir, nginx, silentLog);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes, tests and reloads; reads and lists what it wrote", async () => {
    await store.put(b, "server { b }\n");
    await store.put(a, "server { a }\n");
    expect(nginx.calls).toEqual(["test", "reload", "test", "reload"]);
    expect(await store.read(a)).toBe("server { a }\n");
    expect(await store.read(parseNginxConfigFileName("missing.conf"))).toBeNull();
    expect(await store.list()).toEqual(["a.conf", "b.conf"]);
    expect((await readdir(dir)).sort()).toEqual(["a.conf", "b.conf"]);
  });

  it("does nothing, not even a reload, when the content is unchanged", async () => {
    await store.put(a, "same");
    await store.put(a, "same");
    expect(nginx.calls).toEqual(["test", "reload"]);
  });

  it("restores the previous content exactly and leaves other files alone when nginx rejects a change", async () => {
    await store.put(a, "server { a }\n");
    await store.put(b, "server { b }\n# exact bytes kept\n");
    const failure = await store.put(b, "bogus;").catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "NGINX_CONFIG_REJECTED", details: { file: "b.conf" } });
    expect((failure as Error).message).toContain("b.conf");
    expect((failure as Error).message).toContain('unknown directive "bogus"');
    expect(await store.read(b)).toBe("server { b }\n# exact bytes kept\n");
    expect(await store.read(a)).toBe("server { a }\n");
    expect(nginx.calls.at(-1)).toBe("test");
    expect(await store.list()).toEqual(["a.conf", "b.conf"]);
  });

  it("deletes a rejected new file that had no previous version", async () => {
    await expect(store.put(b, "bogus;")).rejects.toMatchObject({ code: "NGINX_CONFIG_REJECTED" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("restores the previous content and throws NGINX_RELOAD_FAILED when the reload fails", async () => {
    await store.put(a, "v1");
    nginx.shouldFailReload = true;
    const failure = await store.put(a, "v2").catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "NGINX_RELOAD_FAILED", details: { file: "a.conf" } });
    expect((failure as Error).message).toContain("nginx is not running");
    expect(await store.read(a)).toBe("v1");
  });

  it("removes a file and reloads; removing an absent file is a no-op", async () => {
    await store.put(a, "v1");
    await store.remove(a);
    await store.remove(a);
    expect(await store.list()).toEqual([]);
    expect(nginx.calls).toEqual(["test", "reload", "reload"]);
  });

  it("puts a removed file back when the reload after removing it fails", async () => {
    await store.put(a, "v1");
    nginx.shouldFailReload = true;
    await expect(store.remove(a)).rejects.toMatchObject({ code: "NGINX_RELOAD_FAILED" });
    expect(await store.read(a)).toBe("v1");
  });

  it("lists only config files, not staging leftovers or other files", async () => {
    await store.put(a, "v1");
    await writeFile(join(dir, "a.conf.next"), "leftover");
    await writeFile(join(dir, "notes.txt"), "x");
    expect(await store.list()).toEqual(["a.conf"]);
  });

  it("checks only the changed file and the directory's shared files, whatever else the directory holds", async () => {
    await writeFile(join(dir, "other.conf"), "bogus; written by hand, never checked by a change of a.conf");
    await store.put(a, "server { a }\n");
    expect(nginx.checked).toEqual([[join(dir, "a.conf")]]);
    const shared = parseNginxConfigFileName("00-shared.conf");
    await store.put(shared, "upstream shared {}\n");
    await store.put(b, "server { b }\n");
    expect(nginx.checked.slice(1)).toEqual([
      [join(dir, "00-shared.conf")],
      [join(dir, "00-shared.conf"), join(dir, "b.conf")],
    ]);
  });

  it("runs one file's changes one at a time, and other files' side by side", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    nginx.reload = async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
    };
    await Promise.all([store.put(a, "a1"), store.put(a, "a2"), store.put(a, "a3")]);
    expect(mostInFlight).toBe(1);
    expect(await store.read(a)).toBe("a3");
    mostInFlight = 0;
    await Promise.all([store.put(a, "a4"), store.put(b, "b1")]);
    expect(mostInFlight).toBe(2);
  });
});
