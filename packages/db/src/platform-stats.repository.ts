/** Counts over the whole platform, for the Prometheus metrics: read-only, a few GROUP BYs per scrape. */
import type { DatabaseHandle } from "./database.js";

/** One group and how many rows it has. */
export interface GroupCount<Key extends string> {
  labels: Record<Key, string>;
  count: number;
}

/** Reads platform-wide counts; nothing here writes. */
export class PlatformStatsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Sites per type and availability. */
  async sitesByTypeAndAvailability(): Promise<Array<GroupCount<"type" | "availability">>> {
    const rows = await this.#db
      .selectFrom("sites")
      .select(["type", "availability", (eb) => eb.fn.countAll<string>().as("count")])
      .groupBy(["type", "availability"])
      .execute();
    return rows.map((row) => ({
      labels: { type: row.type, availability: row.availability },
      count: Number(row.count),
    }));
  }

  /** Operations per kind and status (failed ones stay until retried or cleaned up). */
  async operationsByKindAndStatus(): Promise<Array<GroupCount<"kind" | "status">>> {
    const rows = await this.#db
      .selectFrom("operations")
      .select(["kind", "status", (eb) => eb.fn.countAll<string>().as("count")])
      .groupBy(["kind", "status"])
      .execute();
    return rows.map((row) => ({ labels: { kind: row.kind, status: row.status }, count: Number(row.count) }));
  }

  /** Sites' own domains per status. */
  async domainsByStatus(): Promise<Array<GroupCount<"status">>> {
    const rows = await this.#db
      .selectFrom("site_domains")
      .select(["status", (eb) => eb.fn.countAll<string>().as("count")])
      .groupBy("status")
      .execute();
    return rows.map((row) => ({ labels: { status: row.status }, count: Number(row.count) }));
  }

  /** Certificates of active domains that end before `before`. */
  async certificatesEndingBefore(before: Date): Promise<number> {
    const { count } = await this.#db
      .selectFrom("site_domains")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("status", "=", "active")
      .where("certificate_not_after", "<", before)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /** Active accounts per role, administrators apart (`isSuperuser` "true"/"false"). */
  async activeUsersByRole(): Promise<Array<GroupCount<"role" | "isSuperuser">>> {
    const rows = await this.#db
      .selectFrom("users")
      .select(["role", "is_superuser", (eb) => eb.fn.countAll<string>().as("count")])
      .where("is_active", "=", true)
      .groupBy(["role", "is_superuser"])
      .execute();
    return rows.map((row) => ({
      labels: { role: row.role, isSuperuser: String(row.is_superuser) },
      count: Number(row.count),
    }));
  }
}
