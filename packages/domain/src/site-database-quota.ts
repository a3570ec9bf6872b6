/**
 * A site database's size limit (issue 14): measured in the background, and past it the site's user may no longer
 * write. How "no longer write" is held differs by engine, and only MariaDB/MySQL can hold an owner to it:
 * - MariaDB/MySQL: the user's INSERT, UPDATE, CREATE (and the other rights that add data) on its schema are revoked;
 *   SELECT, DELETE and DROP stay, so the member can read and free space (DROP or TRUNCATE gives InnoDB's space back;
 *   deleted rows' space is reused by InnoDB but is not given back to the host).
 * - PostgreSQL: the role's new transactions become read-only (`default_transaction_read_only`). An owner may turn
 *   that off for its own session, so this stops an application that runs away, not a member who means to write:
 *   PostgreSQL has no limit an owner cannot lift. The size stays visible to administrators (and the audit log says
 *   when writes were stopped) so that they see a database that keeps growing past it.
 */

/** What the background check does with one database after measuring it. */
export type DatabaseWritesDecision = "stop" | "allow" | "keep";

/** The limit in force: an administrator's for this database, else the installation's default; null: none. */
export function effectiveSizeLimit(override: number | null, defaultLimit: number | null): number | null {
  return override ?? defaultLimit;
}

/**
 * Writes stop once the database is larger than its limit and are allowed again once it is at or under it (a raised
 * limit, or space freed). `keep` when nothing changes; a database without a limit is always allowed.
 */
export function decideDatabaseWrites(input: {
  sizeBytes: number;
  limitBytes: number | null;
  isStopped: boolean;
}): DatabaseWritesDecision {
  const isOver = input.limitBytes !== null && input.sizeBytes > input.limitBytes;
  if (isOver === input.isStopped) return "keep";
  return isOver ? "stop" : "allow";
}

/** Share of its limit at which the member is warned (the page shows the bar in a warning colour). */
export const databaseSizeWarningShare = 0.9;
