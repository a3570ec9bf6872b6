import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsSiteIndex } from "./fs-site-index.js";

// The index on a real file system: what nginx will read is exactly these links and markers.

const id = parseSiteId(7);
const other = parseSiteId(8);
const hello = parseSiteName("hello");

describe("FsSiteIndex", () => {
  let root: string;
  let index: FsSiteIndex;
  let siteDir: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "director-site-index-"));
    index = new FsSiteIndex(path.join(root, "index"));
    await index.prepare();
    siteDir = path.join(root, "sites", "7");
    await mkdir(path.join(siteDir, "public"), { recursive: true });
    await writeFile(path.join(siteDir, "public", "index.html"), "hi");
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const namePath = (name: string) => path.join(root, "index", "names", name);
  const entryDir = (n: number) => path.join(root, "index", "ids", String(n));

  it("leads a served site's name to its files, and a disabled one's to its marker only", async () => {
    expect(await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir })).toEqual({
      stoppedServingFiles: false,
    });
    expect(await readlink(namePath("hello"))).toBe("../ids/7");
    expect(await readFile(path.join(namePath("hello"), "site", "public", "index.html"), "utf8")).toBe("hi");
    expect(await index.read(id)).toEqual({
      id,
      name: hello,
      answer: "files",
      siteDirectory: siteDir,
      domains: [],
      isNameLinked: true,
      unlinkedDomains: [],
    });

    expect(await index.put({ id, name: hello, answer: "disabled", siteDirectory: null })).toEqual({
      stoppedServingFiles: true,
    });
    expect((await readdir(entryDir(7))).sort()).toEqual(["disabled", "name"]);
    expect(await index.read(id)).toMatchObject({ answer: "disabled", siteDirectory: null });

    await index.put({ id, name: hello, answer: "not-running", siteDirectory: null });
    expect((await readdir(entryDir(7))).sort()).toEqual(["name", "not-running"]);
    await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir });
    expect((await readdir(entryDir(7))).sort()).toEqual(["name", "site"]);
  });

  it("moves a renamed site's name, and leaves a name another site has taken since", async () => {
    await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir });
    const renamed = parseSiteName("renamed");
    expect(await index.put({ id, name: renamed, answer: "files", siteDirectory: siteDir })).toEqual({
      stoppedServingFiles: true,
    });
    expect(await readdir(path.join(root, "index", "names"))).toEqual(["renamed"]);

    // Site 8 takes the freed name "hello"; renaming or removing site 7 must not take it away.
    await index.put({ id: other, name: hello, answer: "disabled", siteDirectory: null });
    await index.remove(id);
    expect(await readdir(path.join(root, "index", "names"))).toEqual(["hello"]);
    expect(await readlink(namePath("hello"))).toBe("../ids/8");
    expect(await index.listSiteIds()).toEqual([8]);
  });

  it("removes an entry without following its link into the site's files, idempotently", async () => {
    await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir });
    expect(await index.remove(id)).toEqual({ stoppedServingFiles: true });
    expect(await index.remove(id)).toEqual({ stoppedServingFiles: false });
    expect(await readFile(path.join(siteDir, "public", "index.html"), "utf8")).toBe("hi");
    expect(await readdir(path.join(root, "index", "names"))).toEqual([]);
    expect(await index.read(id)).toBeNull();
  });

  it("reads a name that leads elsewhere as drift, and a put repairs it", async () => {
    await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir });
    await rm(namePath("hello"));
    await symlink("../ids/999", namePath("hello"));
    expect(await index.read(id)).toMatchObject({ isNameLinked: false });
    await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir });
    expect(await index.read(id)).toMatchObject({ isNameLinked: true });
  });

  it("leads a site's own domains to its entry, drops the ones it no longer has, and leaves another site's", async () => {
    const www = parseCustomDomain("www.example.test");
    const shop = parseCustomDomain("shop.example.test");
    const domainPath = (domain: string) => path.join(root, "index", "domains", domain);
    await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir, domains: [www, shop] });
    expect(await readlink(domainPath("www.example.test"))).toBe("../ids/7");
    expect(await readFile(path.join(domainPath("shop.example.test"), "site", "public", "index.html"), "utf8")).toBe(
      "hi",
    );
    expect(await index.read(id)).toMatchObject({ domains: [shop, www], unlinkedDomains: [] });

    // Dropping a domain that served files: the change says so, so the caller waits out nginx's file cache.
    expect(await index.put({ id, name: hello, answer: "files", siteDirectory: siteDir, domains: [www] })).toEqual({
      stoppedServingFiles: true,
    });
    expect(await readdir(path.join(root, "index", "domains"))).toEqual(["www.example.test"]);

    // Another site got the domain meanwhile (its link was replaced): site 7 letting it go must not take it away.
    await index.put({
      id: other,
      name: parseSiteName("other"),
      answer: "disabled",
      siteDirectory: null,
      domains: [www],
    });
    expect(await index.read(id)).toMatchObject({ domains: [www], unlinkedDomains: [www] });
    await index.remove(id);
    expect(await readlink(domainPath("www.example.test"))).toBe("../ids/8");
    await index.remove(other);
    expect(await readdir(path.join(root, "index", "domains"))).toEqual([]);
  });

  it("refuses a domain outside the grammar before it writes anything", async () => {
    await expect(
      index.put({ id, name: hello, answer: "files", siteDirectory: siteDir, domains: ["../../etc" as never] }),
    ).rejects.toMatchObject({ code: "DOMAIN_INVALID" });
    expect(await readdir(path.join(root, "index", "domains"))).toEqual([]);
    expect(await readdir(path.join(root, "index", "names"))).toEqual([]);
    expect(await index.listSiteIds()).toEqual([]);
  });

  it("refuses a name or an id outside their grammars, and writes nothing", async () => {
    await expect(
      index.put({ id, name: "../x" as never, answer: "files", siteDirectory: siteDir }),
    ).rejects.toMatchObject({ code: "SITE_NAME_INVALID" });
    await expect(
      index.put({ id: -1 as never, name: hello, answer: "files", siteDirectory: siteDir }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await readdir(path.join(root, "index", "names"))).toEqual([]);
    expect(await readdir(path.join(root, "index", "ids"))).toEqual([]);
  });
});
