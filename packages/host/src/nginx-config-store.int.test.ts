import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectorError } from "@director/domain/errors";
import { Mutex } from "async-mutex";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "./logger.js";
import { parseNginxConfigFileName } from "./nginx-config-file-name.js";
import { NginxConfigStore, type NginxConfigTarget } from "./nginx-config-store.js";

// The store's own rules (no-op, rollback, locking) against a fake nginx on a real directory;
// nginx-server.int.test.ts runs the same store against the real nginx.

/** A fake nginx: `test()` rejects any file containing "bogus"; reloads fail on demand. */
class FakeNginx implements NginxConfigTarget {
  readonly lock = new Mutex();
  readonly calls: string[] = [];
  shouldFailReload = false;
  constructor(private readonly dir: string) {}

  async test(): Promise<void> {
    this.calls.push("test");
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith(".conf")) continue;
      if ((await readFile(join(this.dir, file), "utf8")).includes("bogus")) {
        throw new DirectorError("NGINX_CONFIG_REJECTED", "nginx rejected the configuration", {
          details: { nginxError: `[emerg] unknown directive "bogus" in ${join(this.dir, file)}:1` },
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
    nginx = new FakeNginx(dir);
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

  it("serializes changes from stores sharing one server lock", async () => {
    const other = new NginxConfigStore(dir, nginx, silentLog);
    await Promise.all([store.put(a, "a"), other.put(b, "b"), store.put(a, "a2"), other.remove(b)]);
    // Interleaved cycles would show as test, test, reload, reload.
    expect(nginx.calls).toEqual(["test", "reload", "test", "reload", "test", "reload", "reload"]);
    expect(await store.list()).toEqual(["a.conf"]);
  });
});
