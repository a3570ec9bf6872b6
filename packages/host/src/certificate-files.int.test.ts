/** Certificate files read as nginx will load them, with real openssl-made certificates: never through a link. */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestCertificateAuthority } from "@director/testing/test-certificates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CertificateKeyMismatchError, readLoadableCertificate } from "./certificate-files.js";

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "director-certificate-files-"));
  const authority = await createTestCertificateAuthority(path.join(dir, "ca"));
  await authority.issue({ names: ["a.test"], serialHex: "01", certificatePath: file("a.pem"), keyPath: file("a.key") });
  await authority.issue({ names: ["b.test"], serialHex: "02", certificatePath: file("b.pem"), keyPath: file("b.key") });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readLoadableCertificate", () => {
  it("reads a certificate and its key: the fingerprint and a real end date", async () => {
    const loaded = await readLoadableCertificate(file("a.pem"), file("a.key"));
    expect(loaded.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it("says ENOENT for a missing file, and refuses another certificate's key", async () => {
    await expect(readLoadableCertificate(file("none.pem"), file("a.key"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(readLoadableCertificate(file("a.pem"), file("none.key"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(readLoadableCertificate(file("a.pem"), file("b.key"))).rejects.toBeInstanceOf(
      CertificateKeyMismatchError,
    );
  });

  it("never reads a certificate or a key of Director's stores through a symbolic link; an operator's files may be links", async () => {
    await symlink(file("a.pem"), file("linked.pem"));
    await symlink(file("a.key"), file("linked.key"));
    await expect(readLoadableCertificate(file("linked.pem"), file("a.key"))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
    });
    await expect(readLoadableCertificate(file("a.pem"), file("linked.key"))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
    });
    const followed = await readLoadableCertificate(file("linked.pem"), file("linked.key"), { followLinks: true });
    expect(followed.fingerprint).toBe((await readLoadableCertificate(file("a.pem"), file("a.key"))).fingerprint);
  });
});
