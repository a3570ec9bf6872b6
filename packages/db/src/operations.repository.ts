/** Operations and their steps, and the lease that lets many workers share them. */
import { DirectorError } from "@director/domain/errors";
import type { Operation, OperationStatus } from "@director/domain/operation";
import type { SiteId } from "@director/domain/site";
import { type ExpressionBuilder, type Selectable, sql } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import { type OperationClaim, toOperation } from "./operation-rows.js";
import type { DB, OperationsTable } from "./schema.js";

/** What queueing an operation needs; steps run in the given order. */
export interface NewOperation {
  siteId: SiteId;
  siteName: string;
  kind: string;
  createdBy: number | null;
  steps: readonly { slug: string; name: string }[];
  /** what the steps apply, when the site row does not hold it yet (stored as JSON) */
  input?: Record<string, unknown>;
}

/** `now() + ms` computed by the database, so every worker's leases use one clock. */
function databaseNowPlusMs(ms: number) {
  return sql<Date>`now() + (${Math.max(0, Math.round(ms))}::integer * interval '1 millisecond')`;
}

/** An operation a worker may take: pending, or running under a lease that ran out (its worker died). */
function isRunnable(eb: ExpressionBuilder<DB, "operations">) {
  return eb.or([
    eb("status", "=", "pending"),
    eb.and([eb("status", "=", "running"), eb("lease_expires_at", "<", sql<Date>`now()`)]),
  ]);
}

/** The update that gives an operation to `lease.owner` (its first start time kept); the caller says which. */
function claiming(trx: DatabaseHandle, lease: { owner: string; leaseMs: number }) {
  return trx.updateTable("operations").set((eb) => ({
    status: "running",
    lease_owner: lease.owner,
    lease_expires_at: databaseNowPlusMs(lease.leaseMs),
    started_at: eb.fn.coalesce("started_at", sql<Date>`now()`),
  }));
}

/** Reads and writes operations. */
export class OperationsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Queues an operation with pending steps; SITE_BUSY while another operation on the site is unfinished. */
  async create(input: NewOperation, trx: DatabaseHandle = this.#db): Promise<Operation> {
    const insert = async (executor: DatabaseHandle): Promise<Operation> => {
      const row = await executor
        .insertInto("operations")
        .values({
          site_id: input.siteId,
          site_name: input.siteName,
          kind: input.kind,
          created_by: input.createdBy,
          input: input.input === undefined ? null : JSON.stringify(input.input),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const steps =
        input.steps.length === 0
          ? []
          : await executor
              .insertInto("operation_steps")
              .values(input.steps.map((step, position) => ({ operation_id: row.id, position, ...step })))
              .returningAll()
              .execute();
      // in the same transaction: a relay hands it to the broker once this commits (operation-outbox.repository.ts)
      await executor.insertInto("operation_outbox").values({ operation_id: row.id }).execute();
      return toOperation(row, steps);
    };
    try {
      return trx.isTransaction ? await insert(trx) : await trx.transaction().execute(insert);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.oneActiveOperationPerSite)) {
        throw new DirectorError(
          "SITE_BUSY",
          `Another operation on the site "${input.siteName}" is still running; wait for it to finish and try again.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Queues the operation, or joins the site's unfinished operation when it is one of the same kind not yet started
   * (its steps will apply the newest state too): `join` turns that operation's input into one that covers both.
   * Null, changing nothing, when the site is busy with anything else (another kind, or the same kind already running).
   * Must run in a transaction (repositories of a unit of work are): the pending operation is locked while its input changes, so a worker claiming it
   * either sees the joined input or has claimed it first (then it is running, and this answers null).
   */
  async queueOrJoin(
    input: NewOperation,
    join: (pendingInput: Record<string, unknown> | null) => Record<string, unknown>,
    trx: DatabaseHandle = this.#db,
  ): Promise<Operation | null> {
    if (!trx.isTransaction) throw new Error("queueOrJoin must run in a transaction");
    const active = await trx
      .selectFrom("operations")
      .selectAll()
      .where("site_id", "=", input.siteId)
      .where("status", "in", ["pending", "running"])
      .forUpdate()
      .executeTakeFirst();
    if (active === undefined) {
      // Another transaction may queue one between the read and the insert: the index refuses ours, and a savepoint
      // keeps the caller's transaction usable.
      await sql`SAVEPOINT queue_or_join`.execute(trx);
      try {
        const created = await this.create(input, trx);
        await sql`RELEASE SAVEPOINT queue_or_join`.execute(trx);
        return created;
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT queue_or_join`.execute(trx);
        if (error instanceof DirectorError && error.code === "SITE_BUSY") return null;
        throw error;
      }
    }
    if (active.kind !== input.kind || active.status !== "pending") return null;
    const joined = await trx
      .updateTable("operations")
      .set({ input: JSON.stringify(join(active.input)) })
      .where("id", "=", active.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return (await this.#withSteps([joined], trx))[0] ?? null;
  }

  /** The operation with its steps, or null. */
  async findById(id: number, trx: DatabaseHandle = this.#db): Promise<Operation | null> {
    const row = await trx.selectFrom("operations").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? ((await this.#withSteps([row], trx))[0] ?? null) : null;
  }

  /** The site's pending or running operation (at most one exists), or null. */
  async findActiveForSite(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<Operation | null> {
    const row = await trx
      .selectFrom("operations")
      .selectAll()
      .where("site_id", "=", siteId)
      .where("status", "in", ["pending", "running"])
      .executeTakeFirst();
    return row ? ((await this.#withSteps([row], trx))[0] ?? null) : null;
  }

  /** The site's most recent operation in any status, or null. */
  async findLatestForSite(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<Operation | null> {
    const row = await trx
      .selectFrom("operations")
      .selectAll()
      .where("site_id", "=", siteId)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? ((await this.#withSteps([row], trx))[0] ?? null) : null;
  }

  /**
   * Takes the oldest runnable operation for `owner`: pending, or running under an expired lease (its worker died).
   * FOR UPDATE SKIP LOCKED lets concurrent workers each take a different one; a row another worker updated meanwhile
   * is re-checked against the WHERE clause by PostgreSQL before it is locked, so no operation is handed out twice.
   */
  async claimNext(
    lease: { owner: string; leaseMs: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<Operation | null> {
    const row = await claiming(trx, lease)
      .where("id", "=", (eb) =>
        eb.selectFrom("operations").select("id").where(isRunnable).orderBy("id").limit(1).forUpdate().skipLocked(),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? ((await this.#withSteps([row], trx))[0] ?? null) : null;
  }

  /**
   * Takes operation `id` for `owner` when it is runnable (pending, or running under an expired lease), the way a
   * message from the broker names it. Otherwise says why not: `finished` (a message sent twice, or late), `held`
   * with the lease's end (another worker runs it), or `missing` (deleted with its site, or never existed).
   */
  async claimById(
    id: number,
    lease: { owner: string; leaseMs: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<OperationClaim> {
    const row = await claiming(trx, lease).where("id", "=", id).where(isRunnable).returningAll().executeTakeFirst();
    if (row !== undefined) {
      const [operation] = await this.#withSteps([row], trx);
      if (operation !== undefined) return { outcome: "claimed", operation };
    }
    const current = await trx
      .selectFrom("operations")
      .select(["status", "lease_expires_at"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (current === undefined) return { outcome: "missing" };
    if (current.status === "running" && current.lease_expires_at !== null) {
      return { outcome: "held", leaseExpiresAt: current.lease_expires_at };
    }
    return { outcome: "finished" };
  }

  /**
   * Extends the lease when `owner` still holds it; false when another worker took the operation or it finished.
   * `leaseMs: 0` hands the operation back at once (a stopping worker).
   */
  async renewLease(
    lease: { id: number; owner: string; leaseMs: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<boolean> {
    const result = await trx
      .updateTable("operations")
      .set({ lease_expires_at: databaseNowPlusMs(lease.leaseMs) })
      .where("id", "=", lease.id)
      .where("lease_owner", "=", lease.owner)
      .where("status", "=", "running")
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Marks a step running and counts the attempt; its first start time is kept across retries. */
  async startStep(id: number, position: number, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("operation_steps")
      .set((eb) => ({
        status: "running",
        attempts: eb("attempts", "+", 1),
        started_at: eb.fn.coalesce("started_at", sql<Date>`now()`),
        finished_at: null,
      }))
      .where("operation_id", "=", id)
      .where("position", "=", position)
      .execute();
  }

  /** Sets a step's status and message; `running` records a failed attempt that will be retried. */
  async finishStep(
    id: number,
    position: number,
    outcome: { status: OperationStatus; message: string },
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    const isFinal = outcome.status === "succeeded" || outcome.status === "failed";
    await trx
      .updateTable("operation_steps")
      .set({ status: outcome.status, message: outcome.message, finished_at: isFinal ? sql<Date>`now()` : null })
      .where("operation_id", "=", id)
      .where("position", "=", position)
      .execute();
  }

  /** Adds a line to a step's message (progress a step reports while it runs). */
  async appendStepMessage(id: number, position: number, line: string, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("operation_steps")
      .set({ message: sql<string>`case when message = '' then ${line} else message || E'\\n' || ${line} end` })
      .where("operation_id", "=", id)
      .where("position", "=", position)
      .execute();
  }

  /** Ends the operation as succeeded or failed and releases its lease (which also frees the site for the next one). */
  async finish(
    id: number,
    outcome: { status: "succeeded" | "failed"; error: string | null },
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    const record = async (executor: DatabaseHandle): Promise<void> => {
      await executor
        .updateTable("operations")
        .set({
          status: outcome.status,
          error: outcome.error,
          finished_at: sql<Date>`now()`,
          lease_owner: null,
          lease_expires_at: null,
        })
        .where("id", "=", id)
        .execute();
      await executor.deleteFrom("operation_outbox").where("operation_id", "=", id).execute();
    };
    if (trx.isTransaction) await record(trx);
    else await trx.transaction().execute(record);
  }

  /** A page of operations, newest first, with their steps; `status` "failed" keeps only failed ones. */
  async listPage(
    query: { status: "failed" | "all"; limit: number; offset: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<{ operations: Operation[]; total: number }> {
    let filtered = trx.selectFrom("operations");
    if (query.status === "failed") filtered = filtered.where("status", "=", "failed");
    const [rows, count] = await Promise.all([
      filtered.selectAll().orderBy("id", "desc").limit(query.limit).offset(query.offset).execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow(),
    ]);
    return { operations: await this.#withSteps(rows, trx), total: Number(count.total) };
  }

  /**
   * Queues a failed operation again: it becomes pending and its failed step (with the ones after it, never run)
   * pending with no attempts, so a worker runs it from that step, as it resumes any operation. Steps that
   * succeeded stay done: every step is idempotent, and the repair of what failed is usually outside Director (a
   * fixed run.sh, a component back up). OPERATION_NOT_RETRYABLE unless it failed; SITE_BUSY when another
   * operation on the site is unfinished (the one-active-per-site index).
   */
  async requeueFailed(id: number, trx: DatabaseHandle = this.#db): Promise<Operation> {
    const requeue = async (executor: DatabaseHandle): Promise<Operation> => {
      const row = await executor
        .updateTable("operations")
        .set({ status: "pending", error: null, finished_at: null, lease_owner: null, lease_expires_at: null })
        .where("id", "=", id)
        .where("status", "=", "failed")
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        const exists = await executor.selectFrom("operations").select("status").where("id", "=", id).executeTakeFirst();
        if (exists === undefined) throw new DirectorError("OPERATION_NOT_FOUND", `There is no operation ${id}.`);
        throw new DirectorError(
          "OPERATION_NOT_RETRYABLE",
          `Operation ${id} is ${exists.status}: only a failed operation can be retried.`,
        );
      }
      await executor
        .updateTable("operation_steps")
        .set({ status: "pending", attempts: 0, started_at: null, finished_at: null })
        .where("operation_id", "=", id)
        .where("status", "!=", "succeeded")
        .execute();
      await executor
        .insertInto("operation_outbox")
        .values({ operation_id: id })
        .onConflict((oc) => oc.column("operation_id").doNothing())
        .execute();
      const [operation] = await this.#withSteps([row], executor);
      if (operation === undefined) throw new Error(`operation ${id} vanished while it was requeued`);
      return operation;
    };
    try {
      return trx.isTransaction ? await requeue(trx) : await trx.transaction().execute(requeue);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.oneActiveOperationPerSite)) {
        throw new DirectorError(
          "SITE_BUSY",
          `Another operation on the site of operation ${id} is still running; wait for it to finish and try again.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** The most recent operations of every site, newest first, with their steps. */
  async listRecent(limit: number, trx: DatabaseHandle = this.#db): Promise<Operation[]> {
    const rows = await trx.selectFrom("operations").selectAll().orderBy("id", "desc").limit(limit).execute();
    return this.#withSteps(rows, trx);
  }

  async #withSteps(rows: Selectable<OperationsTable>[], trx: DatabaseHandle): Promise<Operation[]> {
    if (rows.length === 0) return [];
    const steps = await trx
      .selectFrom("operation_steps")
      .selectAll()
      .where(
        "operation_id",
        "in",
        rows.map((row) => row.id),
      )
      .execute();
    return rows.map((row) => toOperation(row, steps));
  }
}
