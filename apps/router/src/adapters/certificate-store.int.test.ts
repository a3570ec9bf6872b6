import { X509Certificate } from "node:crypto";
import { chmod, lstat, mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import { runCommand } from "@director/host/run-command";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CertificatePair } from "../core/acme-ports.js";
import { FsCertificateStore } from "./certificate-store.js";

const shop = parseHostname("shop.example.test");
const blog = parseHostname("blog.example.test");
const dayMs = 86_400_000;

let scratch: string;
let dir: string;
let store: FsCertificateStore;
const previousUmask = process.umask();

/** A self-signed certificate (ECDSA P-256) for `hostname`, valid for `days` from now, made by openssl. */
async function makeCertificate(hostname: string, days: number): Promise<CertificatePair> {
  const work = await mkdtemp(path.join(scratch, "openssl-"));
  const result = await runCommand([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    path.join(work, "key.pem"),
    "-out",
    path.join(work, "cert.pem"),
    "-days",
    String(days),
    "-subj",
    `/CN=${hostname}`,
    "-addext",
    `subjectAltName=DNS:${hostname}`,
  ]);
  expect(result.exitCode, result.stderr).toBe(0);
  return {
    certificatePem: await readFile(path.join(work, "cert.pem"), "utf8"),
    keyPem: await readFile(path.join(work, "key.pem"), "utf8"),
  };
}

const modeOf = async (file: string) => (await lstat(file)).mode & 0o777;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "director-certificates-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(scratch, "store-"));
  await rm(dir, { recursive: true }); // the store makes its directory itself
  store = new FsCertificateStore(dir);
});

afterEach(() => {
  process.umask(previousUmask);
});

describe("FsCertificateStore", () => {
  it("writes the key 0600 and the chain 0644 in directories 0700 of the running user, whatever the umask", async () => {
    process.umask(0); // nothing narrows: the modes are the store's own
    await store.put(shop, await makeCertificate(shop, 30));
    const { certificatePath, keyPath } = store.paths(shop);

    expect(certificatePath).toBe(path.join(dir, "shop.example.test", "fullchain.pem"));
    expect(keyPath).toBe(path.join(dir, "shop.example.test", "privkey.pem"));
    expect(await modeOf(keyPath)).toBe(0o600);
    expect(await modeOf(certificatePath)).toBe(0o644);
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(path.dirname(keyPath))).toBe(0o700);
    expect((await stat(path.dirname(keyPath))).uid).toBe(process.getuid?.());
    expect((await stat(keyPath)).uid).toBe(process.getuid?.());
  });

  it("narrows a host directory someone widened back to 0700", async () => {
    await store.put(shop, await makeCertificate(shop, 30));
    await chmod(path.join(dir, shop), 0o755);
    await store.put(shop, await makeCertificate(shop, 30));
    expect(await modeOf(path.join(dir, shop))).toBe(0o700);
  });

  it("reads back what it wrote, with the validity dates of the certificate itself", async () => {
    const pair = await makeCertificate(shop, 90);
    const before = Date.now();
    await store.put(shop, pair);
    const stored = await store.read(shop);

    expect(stored).not.toBeNull();
    expect(stored?.certificatePem).toBe(pair.certificatePem);
    expect(stored?.keyPem).toBe(pair.keyPem);
    // openssl -days 90 starts now (to the second) and ends 90 days later.
    expect(stored?.notAfter.getTime()).toBe((stored?.notBefore.getTime() ?? 0) + 90 * dayMs);
    expect(Math.abs((stored?.notBefore.getTime() ?? 0) - before)).toBeLessThan(60_000);
  });

  it("replaces each file by a rename: an open reader keeps the old content, no temporary file stays", async () => {
    const first = await makeCertificate(shop, 30);
    const second = await makeCertificate(shop, 60);
    await store.put(shop, first);
    const { certificatePath, keyPath } = store.paths(shop);
    const [certificateInode, keyInode] = [(await stat(certificatePath)).ino, (await stat(keyPath)).ino];
    const oldReader = await open(certificatePath, "r");

    await store.put(shop, second);

    expect((await stat(certificatePath)).ino).not.toBe(certificateInode);
    expect((await stat(keyPath)).ino).not.toBe(keyInode);
    expect(await oldReader.readFile("utf8")).toBe(first.certificatePem);
    await oldReader.close();
    expect(await readFile(certificatePath, "utf8")).toBe(second.certificatePem);
    expect(await readFile(keyPath, "utf8")).toBe(second.keyPem);
    expect((await readdir(path.dirname(keyPath))).sort()).toEqual(["fullchain.pem", "privkey.pem"]);
    expect(new X509Certificate((await store.read(shop))?.certificatePem ?? "").validTo).toBe(
      new X509Certificate(second.certificatePem).validTo,
    );
  });

  it("lists the hostnames it holds, sorted, and nothing else of the directory", async () => {
    expect(await store.list()).toEqual([]); // the directory does not exist yet
    await store.put(shop, await makeCertificate(shop, 30));
    await store.put(blog, await makeCertificate(blog, 30));
    await writeFile(path.join(dir, "notes.txt"), "an operator's file");
    await mkdir(path.join(dir, "Not A Hostname"));
    await mkdir(path.join(dir, "UPPER.example.test"));

    expect(await store.list()).toEqual<Hostname[]>([blog, shop]);
  });

  it("removes a hostname's files and directory; removing again, or an unknown hostname, is a no-op", async () => {
    await store.put(shop, await makeCertificate(shop, 30));
    await store.put(blog, await makeCertificate(blog, 30));
    await store.remove(shop);
    await store.remove(shop);
    await store.remove(parseHostname("never.example.test"));

    expect(await store.read(shop)).toBeNull();
    expect(await store.list()).toEqual([blog]);
    expect(await readdir(dir)).toEqual([blog]);
  });

  it("refuses a key that is not the certificate's, or a certificate for another name, and writes nothing", async () => {
    const shopPair = await makeCertificate(shop, 30);
    const blogPair = await makeCertificate(blog, 30);

    await expect(store.put(shop, { certificatePem: shopPair.certificatePem, keyPem: blogPair.keyPem })).rejects.toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    await expect(store.put(shop, blogPair)).rejects.toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    await expect(store.put(shop, { certificatePem: "not pem", keyPem: shopPair.keyPem })).rejects.toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(await store.read(shop)).toBeNull();
  });

  describe("symbolic links", () => {
    let outside: string;

    beforeEach(async () => {
      outside = await mkdtemp(path.join(scratch, "outside-"));
      await writeFile(path.join(outside, "privkey.pem"), "the outside file");
    });

    it("refuses to write through a hostname that is a link to a directory elsewhere", async () => {
      await mkdir(dir, { mode: 0o700 });
      await symlink(outside, path.join(dir, shop));

      await expect(store.put(shop, await makeCertificate(shop, 30))).rejects.toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID" }),
      );
      await expect(store.read(shop)).rejects.toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
      expect(await readdir(outside)).toEqual(["privkey.pem"]);
      expect(await readFile(path.join(outside, "privkey.pem"), "utf8")).toBe("the outside file");
      expect(await store.list()).toEqual([]);
    });

    it("removes such a link itself, never what it points to", async () => {
      await mkdir(dir, { mode: 0o700 });
      await symlink(outside, path.join(dir, shop));
      await store.remove(shop);

      expect(await readdir(dir)).toEqual([]);
      expect(await readFile(path.join(outside, "privkey.pem"), "utf8")).toBe("the outside file");
    });

    it("replaces a link in place of a file instead of writing through it, and never reads through one", async () => {
      const pair = await makeCertificate(shop, 30);
      await store.put(shop, pair);
      const { keyPath } = store.paths(shop);
      await rm(keyPath);
      await symlink(path.join(outside, "privkey.pem"), keyPath);

      await expect(store.read(shop)).rejects.toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
      await store.put(shop, pair);

      expect((await lstat(keyPath)).isFile()).toBe(true);
      expect(await modeOf(keyPath)).toBe(0o600);
      expect(await readFile(path.join(outside, "privkey.pem"), "utf8")).toBe("the outside file");
      expect((await store.read(shop))?.keyPem).toBe(pair.keyPem);
    });
  });

  it("refuses a relative directory, which nginx would resolve against its own prefix", () => {
    expect(() => new FsCertificateStore("certificates")).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});
