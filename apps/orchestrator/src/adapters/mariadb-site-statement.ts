/**
 * The SQL console on MariaDB (and MySQL): one statement as the site's own user, in its own schema, on a connection
 * made for it and ended after it (an open transaction is rolled back when the session ends).
 *
 * - One statement only: `multipleStatements` is off, so the server parses `SELECT 1; DROP TABLE t` as one statement
 *   and refuses it (1064). A compound statement (`BEGIN NOT ATOMIC ... END`) is one statement and may answer several
 *   result sets: the first is answered, the rows of the others are dropped as they come (`truncated`).
 * - Time: `SET SESSION max_statement_time` (MariaDB, seconds) or `max_execution_time` (MySQL, ms) before the
 *   statement. A statement can lift it for itself (`SET STATEMENT max_statement_time = 0 FOR ...`), so the guard
 *   also ends the session through the admin (`KILL CONNECTION`) a little after the time limit.
 * - Rows: the text protocol sends them all, so once `maxRows + 1` have come the connection is destroyed; the server
 *   stops at its next write. The client never offers LOCAL INFILE (no file of this machine can be asked for).
 * - Values: the text protocol's bytes; text as UTF-8, binary strings, BLOBs, BIT and geometry as `0x` and hex.
 */
import { DirectorError } from "@director/domain/errors";
import type { DatabasePassword, SiteDatabaseIdentity } from "@director/domain/site-database";
import {
  leadingKeyword,
  type SqlColumn,
  type SqlStatement,
  type SqlStatementResult,
  sqlValueMaxChars,
} from "@director/domain/sql-console";
import mysql, { type Connection, type FieldPacket, type ResultSetHeader } from "mysql2";
import { StatementRows } from "../core/statement-rows.js";
import {
  hostUnreachable,
  loginRefusal,
  type SiteStatementAdmin,
  StatementGuard,
  siteLoginTimeoutMs,
  statementTimedOut,
} from "./site-statement-support.js";

/** Refused logins: no such user or wrong password (1045), no right on the schema (1044), no such schema (1049). */
const loginRefusedErrnos = new Set([1044, 1045, 1049]);
/** A login that never reached the server, or lost it: the host is unreachable (anything else, the admin looks into). */
const networkFailureCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
]);

/**
 * How a failed login as the site's user is answered. A refusal the server names is the admin's to explain (no such
 * database, or a stale password). So is any other failure of a connection that got through (twice in full test runs
 * under load, a dropped user's login failed with something other than 1045; the cause is not pinned down yet): the
 * admin checks whether the database is there. Only a connection that never got through is DATABASE_HOST_UNAVAILABLE.
 */
function isUnreachable(error: unknown): boolean {
  if (loginRefusedErrnos.has(errnoOf(error) ?? 0)) return false;
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return networkFailureCodes.has(code);
}
/** MariaDB's max_statement_time exceeded (1969), MySQL's max_execution_time exceeded (3024). */
const timeoutErrnos = new Set([1969, 3024]);
/** MariaDB's "unknown system variable": the host is MySQL, which names its limit max_execution_time. */
const unknownVariable = 1193;
/** The "binary" character set: a column of it holds bytes, unless its type is a number or a date (sent as digits). */
const binaryCharset = 63;
const { Types } = mysql;
const byteTypes = new Set<number>([
  Types.TINY_BLOB,
  Types.MEDIUM_BLOB,
  Types.LONG_BLOB,
  Types.BLOB,
  Types.VAR_STRING,
  Types.VARCHAR,
  Types.STRING,
  Types.BIT,
  Types.GEOMETRY,
]);
/** SQL names of the protocol's column types (mysql2 `Types`); BLOB types of a text character set are TEXT types. */
const sqlTypeNames: Record<number, string> = {
  [Types.DECIMAL]: "decimal",
  [Types.NEWDECIMAL]: "decimal",
  [Types.TINY]: "tinyint",
  [Types.SHORT]: "smallint",
  [Types.INT24]: "mediumint",
  [Types.LONG]: "int",
  [Types.LONGLONG]: "bigint",
  [Types.FLOAT]: "float",
  [Types.DOUBLE]: "double",
  [Types.NULL]: "null",
  [Types.TIMESTAMP]: "timestamp",
  [Types.DATE]: "date",
  [Types.NEWDATE]: "date",
  [Types.TIME]: "time",
  [Types.DATETIME]: "datetime",
  [Types.YEAR]: "year",
  [Types.VARCHAR]: "varchar",
  [Types.VAR_STRING]: "varchar",
  [Types.STRING]: "char",
  [Types.BIT]: "bit",
  [Types.JSON]: "json",
  [Types.ENUM]: "enum",
  [Types.SET]: "set",
  [Types.TINY_BLOB]: "blob",
  [Types.MEDIUM_BLOB]: "blob",
  [Types.LONG_BLOB]: "blob",
  [Types.BLOB]: "blob",
  [Types.GEOMETRY]: "geometry",
};

/** Where the site's user logs in: the admin URL's host and port. */
export interface MariadbStatementTarget {
  host: string;
  port: number;
}

/** Runs one statement as the site's own user on a connection of its own (SiteDatabaseEngine.runStatement). */
export async function runMariadbStatement(
  target: MariadbStatementTarget,
  admin: SiteStatementAdmin,
  database: SiteDatabaseIdentity,
  password: DatabasePassword,
  { statement, timeoutMs, maxRows }: SqlStatement,
): Promise<SqlStatementResult> {
  const connection = mysql.createConnection({
    host: target.host,
    port: target.port,
    user: database.name,
    password,
    database: database.name,
    connectTimeout: siteLoginTimeoutMs,
    multipleStatements: false,
    flags: ["-LOCAL_FILES"],
  });
  connection.on("error", () => undefined); // a broken connection also fails the call in flight, which reports it
  try {
    try {
      await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw isUnreachable(error)
        ? hostUnreachable("mysql", database, error)
        : await loginRefusal("mysql", admin, database, error);
    }
    const sessionId = connection.threadId;
    let isCut = false;
    /** Closes the socket at once (mysql2's `destroy` only half-closes it and goes on reading what the server sends). */
    const cut = () => {
      isCut = true;
      (connection as unknown as { stream: { destroy(): void } }).stream.destroy();
    };
    const guard = new StatementGuard(timeoutMs, cut);
    try {
      await limitTime(connection, timeoutMs);
      const started = performance.now();
      const answer = await readAnswer(connection, statement, maxRows, cut);
      return { ...answer, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (guard.hasFired || timeoutErrnos.has(errnoOf(error) ?? 0)) throw statementTimedOut("mysql", timeoutMs, error);
      throw statementFailure(database, error);
    } finally {
      guard.disarm();
      // A session cut off mid-statement runs on until its next write to the socket, or for ever past a lifted time
      // limit: the admin ends it. Best effort: the host's own time limit ends it otherwise.
      if (isCut && sessionId !== null) await admin.endSession(database, sessionId).catch(() => undefined);
    }
  } finally {
    connection.destroy();
  }
}

async function limitTime(connection: Connection, timeoutMs: number): Promise<void> {
  const run = (sql: string, value: number) =>
    new Promise<void>((resolve, reject) =>
      connection.query(sql, [value], (error) => (error ? reject(error) : resolve())),
    );
  try {
    await run("SET SESSION max_statement_time = ?", timeoutMs / 1000);
  } catch (error) {
    if (errnoOf(error) !== unknownVariable) throw error;
    await run("SET SESSION max_execution_time = ?", timeoutMs);
  }
}

function readAnswer(
  connection: Connection,
  statement: string,
  maxRows: number,
  cut: () => void,
): Promise<Omit<SqlStatementResult, "durationMs">> {
  return new Promise((resolve, reject) => {
    const rows = new StatementRows(maxRows);
    let columns: FieldPacket[] | undefined;
    let affectedRows: number | undefined;
    let hasMoreResults = false;
    let isSettled = false;
    const finish = () => {
      if (isSettled) return;
      isSettled = true;
      resolve({
        command: leadingKeyword(statement),
        columns: (columns ?? []).map(columnOf),
        rows: rows.rows,
        rowCount: columns !== undefined || affectedRows === undefined ? rows.rows.length : affectedRows,
        truncated: rows.isTruncated || hasMoreResults,
        truncatedValues: rows.truncatedValues,
      });
    };
    // Without a callback mysql2 hands over each row as it is parsed, and keeps none.
    const query = connection.query({ sql: statement, rowsAsArray: true, typeCast: false });
    let resultSets = 0;
    query.on("fields", (fields: FieldPacket[] | undefined) => {
      resultSets += 1;
      if (resultSets === 1) columns = fields;
      else if (fields !== undefined) hasMoreResults = true; // a compound statement's further result set
    });
    query.on("result", (row: Buffer[] | ResultSetHeader, index = 0) => {
      if (isSettled) return;
      if (!Array.isArray(row)) {
        if (index === 0) affectedRows = row.affectedRows;
        return;
      }
      if (index > 0 || columns === undefined) return; // a later result set's rows are dropped
      if (!rows.add(row.map((value, column) => textOf(value, columns?.[column])))) {
        // The answer is full: the rest of the result set is not read.
        finish();
        cut();
      }
    });
    const fail = (error: Error) => {
      if (isSettled) return;
      isSettled = true;
      reject(error);
    };
    query.on("error", fail);
    // A lost connection is told to the connection, not to a query that has no callback (mysql2 `_notifyError`).
    connection.on("error", fail);
    query.on("end", finish);
  });
}

/** A value of the text protocol as text: bytes of a binary column as `0x` and hex, the rest as UTF-8. */
function textOf(value: Buffer | null, field: FieldPacket | undefined): string | null {
  if (value === null) return null;
  // Only what can still be answered is converted: a longer value is cut to sqlValueMaxChars anyway.
  if (field?.characterSet === binaryCharset && byteTypes.has(field.columnType ?? -1)) {
    return `0x${value.subarray(0, sqlValueMaxChars).toString("hex")}`;
  }
  return value.subarray(0, 4 * sqlValueMaxChars).toString("utf8");
}

function columnOf(field: FieldPacket): SqlColumn {
  let type = sqlTypeNames[field.columnType ?? -1];
  if (field.characterSet === binaryCharset && (type === "varchar" || type === "char"))
    type = `${type === "char" ? "" : "var"}binary`;
  if (field.characterSet !== binaryCharset && type === "blob") type = "text";
  return type === undefined ? { name: field.name } : { name: field.name, type };
}

function errnoOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "errno" in error && typeof error.errno === "number"
    ? error.errno
    : undefined;
}

/** A statement's failure in the engine's own words, or DATABASE_HOST_UNAVAILABLE when the connection broke. */
function statementFailure(database: SiteDatabaseIdentity, error: unknown): DirectorError {
  const errno = errnoOf(error);
  const isFatal = typeof error === "object" && error !== null && "fatal" in error && error.fatal === true;
  if (errno === undefined || isFatal) return hostUnreachable("mysql", database, error);
  const sqlState =
    typeof error === "object" && error !== null && "sqlState" in error ? String(error.sqlState) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new DirectorError("SQL_STATEMENT_FAILED", message, {
    cause: error,
    details: { engine: "mysql", errno, ...(sqlState ? { sqlState } : {}) },
  });
}
