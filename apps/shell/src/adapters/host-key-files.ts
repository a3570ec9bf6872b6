/**
 * The SSH server's host keys: one ed25519, one ECDSA P-256 and one RSA 3072 key, made on first start in a private
 * directory (0700, each key 0600, written atomically) and read from there afterwards, so that clients that trusted the
 * server once keep trusting it. Their fingerprints are what `ssh` shows on first connection, and what the web
 * interface shows people to compare with.
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { sshFingerprint } from "@director/domain/ssh-key";
import { writeFileAtomic } from "@director/host/atomic-write";
import { ssh2 } from "@director/host/ssh2-library";
import type { ParsedKey } from "ssh2";

/** A host key: what ssh2 serves with, and what people compare. */
export interface HostKey {
  algorithm: string;
  privateKey: string;
  fingerprint: string;
}

const kinds = [
  { file: "ssh_host_ed25519_key", generate: () => ssh2.utils.generateKeyPairSync("ed25519") },
  { file: "ssh_host_ecdsa_key", generate: () => ssh2.utils.generateKeyPairSync("ecdsa", { bits: 256 }) },
  { file: "ssh_host_rsa_key", generate: () => ssh2.utils.generateKeyPairSync("rsa", { bits: 3072 }) },
] as const;

/** The host keys in `directory`, each made first when missing. */
export async function loadOrCreateHostKeys(directory: string): Promise<HostKey[]> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const keys: HostKey[] = [];
  for (const kind of kinds) {
    const file = path.join(directory, kind.file);
    let text = await readIfPresent(file);
    if (text === null) {
      text = kind.generate().private;
      await writeFileAtomic(file, text, { mode: 0o600 });
    } else {
      await assertPrivate(file);
    }
    const parsed = parseOne(ssh2.utils.parseKey(text), file);
    keys.push({ algorithm: parsed.type, privateKey: text, fingerprint: sshFingerprint(parsed.getPublicSSH()) });
  }
  return keys;
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** A host key others may read is no longer secret: refuse to start with it rather than serve it. */
async function assertPrivate(file: string): Promise<void> {
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `The SSH host key ${file} can be read by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it, or remove it to make a new one.`,
    );
  }
}

function parseOne(parsed: ParsedKey | ParsedKey[] | Error, file: string): ParsedKey {
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    throw new DirectorError("CONFIG_INVALID", `The SSH host key ${file} cannot be read; remove it to make a new one.`);
  }
  return key;
}
