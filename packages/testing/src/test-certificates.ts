/**
 * A test certificate authority made with the openssl command (Debian's): a CA in a directory of its own, and leaf
 * certificates (EC P-256, with subjectAltName) for chosen names and serial numbers, written where a test wants them.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export interface TestCertificateAuthority {
  /** the CA's certificate, to trust in clients */
  caPem: string;
  /** writes a certificate for `names` (a wildcard is fine; `IP:127.0.0.1` for an address) signed by the CA, and its key */
  issue(options: {
    names: readonly string[];
    serialHex: string;
    certificatePath: string;
    keyPath: string;
  }): Promise<void>;
}

export async function createTestCertificateAuthority(dir: string): Promise<TestCertificateAuthority> {
  await mkdir(dir, { recursive: true });
  const caKey = path.join(dir, "ca.key");
  const caCertificate = path.join(dir, "ca.pem");
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    caKey,
    "-out",
    caCertificate,
    "-subj",
    "/CN=Test CA",
    "-days",
    "2",
  ]);
  return {
    caPem: await readFile(caCertificate, "utf8"),
    async issue({ names, serialHex, certificatePath, keyPath }) {
      await mkdir(path.dirname(certificatePath), { recursive: true });
      await mkdir(path.dirname(keyPath), { recursive: true });
      const csr = path.join(dir, `${serialHex}.csr`);
      const extensions = path.join(dir, `${serialHex}.cnf`);
      const alt = names.map((name) => (name.startsWith("IP:") ? name : `DNS:${name}`)).join(",");
      await writeFile(extensions, `subjectAltName=${alt}\n`);
      const commonName = (names[0] ?? "test").replace(/^IP:/, "");
      await run("openssl", ["req", ...ec, "-keyout", keyPath, "-out", csr, "-subj", `/CN=${commonName}`]);
      await run("openssl", [
        ...["x509", "-req", "-in", csr, "-CA", caCertificate, "-CAkey", caKey, "-set_serial", `0x${serialHex}`],
        ...["-days", "2", "-extfile", extensions, "-out", certificatePath],
      ]);
      await rm(csr);
      await rm(extensions);
    },
  };
}
