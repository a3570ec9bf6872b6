import { runCommand } from "./run-command.js";

/** A local account as nginx's `user` directive and chown need it. */
export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  /** The name of the primary group; nginx's `user` directive takes names, not ids. */
  groupName: string;
}

/**
 * Looks a user up through getent(1), which asks NSS (so LDAP or sssd users work too), or returns null
 * when there is no such user. getent exits with 2 when the key is not found.
 */
export async function findSystemUser(name: string): Promise<SystemUser | null> {
  const user = await getent("passwd", name);
  if (user === null) return null;
  const [, , uid, gid] = user;
  if (uid === undefined || gid === undefined) throw new Error(`getent passwd ${name} printed a malformed entry.`);
  const group = await getent("group", gid);
  return { name, uid: Number(uid), gid: Number(gid), groupName: group?.[0] ?? gid };
}

async function getent(database: "passwd" | "group", key: string): Promise<string[] | null> {
  const result = await runCommand(["getent", database, key], { timeoutMs: 10_000 });
  if (result.exitCode === 2) return null;
  if (result.exitCode !== 0) {
    throw new Error(`getent ${database} ${key} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return result.stdout.split("\n")[0]?.split(":") ?? null;
}
