/** The shell server's last report: its host keys' fingerprints and its port (migration 0013, one row). */
import type { ShellServerReport } from "@director/domain/ssh-key";
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";

/** Reads and replaces the shell server's report. */
export class ShellServerReportRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Replaces the report (the first one creates it). */
  async save(report: ShellServerReport, trx: DatabaseHandle = this.#db): Promise<void> {
    const hostKeys = JSON.stringify(report.hostKeys.map(({ algorithm, fingerprint }) => ({ algorithm, fingerprint })));
    await trx
      .insertInto("shell_server_report")
      .values({ host_keys: hostKeys, port: report.port, reported_at: report.reportedAt })
      .onConflict((conflict) =>
        conflict.column("only_row").doUpdateSet({
          host_keys: sql`excluded.host_keys`,
          port: sql`excluded.port`,
          reported_at: sql`excluded.reported_at`,
        }),
      )
      .execute();
  }

  /** The last report; null when the shell server never reported. */
  async find(trx: DatabaseHandle = this.#db): Promise<ShellServerReport | null> {
    const row = await trx.selectFrom("shell_server_report").selectAll().executeTakeFirst();
    if (!row) return null;
    return { hostKeys: row.host_keys, port: row.port, reportedAt: row.reported_at };
  }
}
