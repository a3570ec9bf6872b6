/**
 * The SQL console on PostgreSQL: one statement as the site's own role, in its own database, on a connection made for
 * it and ended after it (an open transaction is rolled back when the session ends).
 *
 * - One statement only: it goes through the extended query protocol (pg-cursor's Parse/Bind/Execute), and PostgreSQL
 *   refuses a Parse of several commands ("cannot insert multiple commands into a prepared statement", 42601).
 * - Time: `statement_timeout` is set in the startup packet, which outranks the role's and the database's own settings
 *   (`ALTER ROLE ... SET statement_timeout = 0` does not lift it); `client_connection_check_interval` lets the server
 *   notice a client that went away. The guard ends the session through the admin if the host still has not stopped.
 * - Rows: the portal is read `maxRows + 1` rows at most (Execute with a row count), then closed: the rest is never sent.
 * - Values: every type's text output, as the server writes it (no parsing here); DateStyle, IntervalStyle and
 *   bytea_output are fixed at connect so one value always reads the same; the session's TimeZone stays the database's.
 */
import { DirectorError } from "@director/domain/errors";
import type { DatabasePassword, SiteDatabaseIdentity } from "@director/domain/site-database";
import {
  leadingKeyword,
  type SqlColumn,
  type SqlStatement,
  type SqlStatementResult,
} from "@director/domain/sql-console";
import pg from "pg";
import Cursor from "pg-cursor";
import { StatementRows } from "../core/statement-rows.js";
import {
  hostUnreachable,
  loginRefusal,
  type SiteStatementAdmin,
  StatementGuard,
  siteLoginTimeoutMs,
  statementGuardGraceMs,
  statementTimedOut,
} from "./site-statement-support.js";

/** Every value as the text PostgreSQL sent: no type parser runs. */
const textOnly = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
/** Rows asked of the portal at a time, so the answer's size limit is seen between batches. */
const batchRows = 250;
/** SQLSTATEs of a refused login: wrong password or no such role (28P01, 28000), no such database (3D000), no CONNECT (42501). */
const loginRefusedStates = new Set(["28P01", "28000", "3D000", "42501"]);

/** Where the site's role logs in: the admin URL's host and port. */
export interface PostgresStatementTarget {
  host: string;
  port: number;
}

/** Runs one statement as the site's own user on a connection of its own (SiteDatabaseEngine.runStatement). */
export async function runPostgresStatement(
  target: PostgresStatementTarget,
  admin: SiteStatementAdmin,
  database: SiteDatabaseIdentity,
  password: DatabasePassword,
  { statement, timeoutMs, maxRows }: SqlStatement,
): Promise<SqlStatementResult> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: database.name,
    password,
    database: database.name,
    application_name: "director-sql-console",
    connectionTimeoutMillis: siteLoginTimeoutMs,
    options: [
      `-c statement_timeout=${timeoutMs}`,
      `-c client_connection_check_interval=${statementGuardGraceMs}`,
      "-c DateStyle=ISO,MDY -c IntervalStyle=postgres -c bytea_output=hex",
    ].join(" "),
  });
  client.on("error", () => undefined); // a broken connection also fails the call in flight, which reports it
  try {
    try {
      await client.connect();
    } catch (error) {
      throw loginRefusedStates.has(sqlStateOf(error) ?? "")
        ? await loginRefusal("postgres", admin, database, error)
        : hostUnreachable("postgres", database, error);
    }
    // node-postgres keeps the server's process id (BackendKeyData) but its types do not declare it.
    const sessionId = (client as unknown as { processID: number | null }).processID;
    const guard = new StatementGuard(timeoutMs, () => client.connection.stream.destroy());
    const started = performance.now();
    try {
      const answer = await readAnswer(client, statement, maxRows);
      return { ...answer, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (guard.hasFired || sqlStateOf(error) === "57014") throw statementTimedOut("postgres", timeoutMs, error);
      throw statementFailure(database, error);
    } finally {
      guard.disarm();
      // The host had not stopped the statement: the admin ends its session. Best effort: the host's own time limit
      // and connection check end it otherwise.
      if (guard.hasFired && sessionId !== null) await admin.endSession(database, sessionId).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined); // a connection that broke or never opened has nothing more to say
  }
}

async function readAnswer(
  client: pg.Client,
  statement: string,
  maxRows: number,
): Promise<Omit<SqlStatementResult, "durationMs">> {
  const cursor = client.query(
    new Cursor<(string | null)[]>(statement, undefined, { rowMode: "array", types: textOnly }),
  );
  const rows = new StatementRows(maxRows);
  let result: pg.QueryResult | undefined;
  let isDone = false;
  while (!isDone && rows.wanted > 0) {
    const count = Math.min(batchRows, rows.wanted);
    const batch = await new Promise<(string | null)[][]>((resolve, reject) =>
      cursor.read(count, (error, read, readResult) => {
        result = readResult;
        if (error) reject(error);
        else resolve(read);
      }),
    );
    for (const row of batch) if (!rows.add(row)) break;
    isDone = batch.length < count;
  }
  if (!isDone) await cursor.close(); // the portal's other rows are never sent
  const fields = result?.fields ?? [];
  return {
    // PostgreSQL's command tag ("SELECT 3", "CREATE TABLE"): its first word; a truncated read never got it.
    command: result?.command ?? leadingKeyword(statement),
    columns: await columnsOf(client, fields),
    rows: rows.rows,
    rowCount: rows.isTruncated || fields.length > 0 ? rows.rows.length : (result?.rowCount ?? 0),
    truncated: rows.isTruncated,
    truncatedValues: rows.truncatedValues,
  };
}

/**
 * The columns with their types' SQL names (`integer`, `character varying(20)`, `text[]`), asked of the server once.
 * The statement succeeded: if the session it left cannot answer (it set `statement_timeout` to 1 ms, say), the
 * columns go without their type names rather than fail a statement that ran.
 */
async function columnsOf(client: pg.Client, fields: pg.FieldDef[]): Promise<SqlColumn[]> {
  if (fields.length === 0) return [];
  const names = await client
    .query<{ name: string }>({
      text: "select format_type(t.oid, t.typmod) as name from unnest($1::oid[], $2::int[]) with ordinality as t(oid, typmod, n) order by n",
      values: [fields.map((field) => field.dataTypeID), fields.map((field) => field.dataTypeModifier)],
    })
    .then((result) => result.rows.map((row) => row.name))
    .catch(() => []);
  return fields.map((field, index) => {
    const type = names[index];
    return type === undefined ? { name: field.name } : { name: field.name, type };
  });
}

function sqlStateOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

/**
 * A statement's failure in the engine's own words (SQL_STATEMENT_FAILED), or DATABASE_HOST_UNAVAILABLE when the
 * connection broke (a Node error code, SQLSTATE class 08, 57P operator intervention such as a server shutdown).
 */
function statementFailure(database: SiteDatabaseIdentity, error: unknown): DirectorError {
  const sqlState = sqlStateOf(error);
  if (sqlState === undefined || /^E[A-Z]+$/.test(sqlState) || /^(08|57P)/.test(sqlState)) {
    return hostUnreachable("postgres", database, error);
  }
  const position = typeof error === "object" && error !== null && "position" in error ? Number(error.position) : NaN;
  const message = error instanceof Error ? error.message : String(error);
  return new DirectorError("SQL_STATEMENT_FAILED", message, {
    cause: error,
    details: { engine: "postgres", sqlState, ...(Number.isInteger(position) ? { position } : {}) },
  });
}
