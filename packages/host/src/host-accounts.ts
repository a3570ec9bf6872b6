/**
 * The host's accounts and id ranges whose ids fall in a range Director wants for itself (each site's own uid and
 * gid). An account there would own a site's files, and a subordinate id range there (/etc/subuid, used by rootless
 * containers) would let that account's containers act as a site.
 */
import { readFile } from "node:fs/promises";
import { runCommand } from "./run-command.js";

/** One thing on the host that uses ids in the range. */
export interface IdRangeConflict {
  /** where it was found: `passwd`, `group`, `/etc/subuid`, `/etc/subgid` */
  source: string;
  name: string;
  /** the first id of it that falls in the range */
  id: number;
}

/**
 * Lists the accounts (getent passwd/group, which asks NSS: local files, LDAP when it enumerates) and subordinate
 * ranges whose ids fall in [first, last]. Empty when the range is free.
 */
export async function findIdRangeConflicts(first: number, last: number): Promise<IdRangeConflict[]> {
  const conflicts: IdRangeConflict[] = [];
  for (const database of ["passwd", "group"] as const) {
    const result = await runCommand(["getent", database], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) continue; // no enumeration (some NSS setups): nothing to compare
    for (const line of result.stdout.split("\n")) {
      const fields = line.split(":");
      const id = Number(fields[2]);
      if (fields[0] && Number.isInteger(id) && id >= first && id <= last) {
        conflicts.push({ source: database, name: fields[0], id });
      }
    }
  }
  for (const file of ["/etc/subuid", "/etc/subgid"]) {
    conflicts.push(...subordinateConflicts(file, await readOptional(file), first, last));
  }
  return conflicts;
}

/** The `name:start:count` lines of a subordinate id file (subuid(5)) that overlap [first, last]. */
export function subordinateConflicts(source: string, text: string, first: number, last: number): IdRangeConflict[] {
  const conflicts: IdRangeConflict[] = [];
  for (const line of text.split("\n")) {
    const [name, startText, countText] = line.trim().split(":");
    const start = Number(startText);
    const count = Number(countText);
    if (!name || !Number.isInteger(start) || !Number.isInteger(count) || count <= 0) continue;
    const end = start + count - 1;
    if (start <= last && end >= first) conflicts.push({ source, name, id: Math.max(start, first) });
  }
  return conflicts;
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}
