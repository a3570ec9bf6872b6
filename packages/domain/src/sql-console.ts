/**
 * The SQL console: one statement run as a site's own database user, with a time limit and a row limit, its answer
 * rendered as text. The limits here are the contract's (packages/contracts/src/orchestrator-databases.ts) and the
 * engines' (apps/orchestrator adapters/*-site-statement.ts).
 */

/** Longest statement the console takes, in characters. */
export const sqlStatementMaxChars = 100_000;
/** Time limit of a statement when the caller names none, and the most it may name, in milliseconds. */
export const sqlStatementDefaultTimeoutMs = 10_000;
export const sqlStatementMaxTimeoutMs = 60_000;
/** Rows answered when the caller names no limit, and the most it may ask for. */
export const sqlStatementDefaultMaxRows = 500;
export const sqlStatementMaxRowsLimit = 5_000;
/** A value longer than this many characters is cut to it (and its cell listed in `truncatedValues`). */
export const sqlValueMaxChars = 10_000;
/**
 * All the values of one answer together, in characters: past it no more rows are read (`truncated`), so that an
 * answer stays a few megabytes whatever the row limit and the width of the rows.
 */
export const sqlAnswerMaxChars = 4_000_000;

/** One statement to run, with its limits. */
export interface SqlStatement {
  statement: string;
  timeoutMs: number;
  maxRows: number;
}

/** A column of an answer: its name as the engine gave it (duplicates kept) and its type's name when known. */
export interface SqlColumn {
  name: string;
  type?: string;
}

/**
 * What a statement answered. Every value is text: PostgreSQL's own text output of each type (bytea as `\x` and hex,
 * arrays as `{1,2}`, timestamps in ISO style), MariaDB's text protocol (binary strings, BLOBs, BIT and geometry as
 * `0x` and hex); null is SQL NULL.
 */
export interface SqlStatementResult {
  /** the command, e.g. SELECT, INSERT, CREATE (PostgreSQL's command tag; MariaDB: the statement's first keyword); null for an empty statement */
  command: string | null;
  columns: SqlColumn[];
  rows: (string | null)[][];
  /** rows affected (INSERT, UPDATE, DELETE, ...), or rows answered by a statement that returns rows */
  rowCount: number;
  /** more rows existed than were answered: maxRows was reached (or the answer's size limit, sqlAnswerMaxChars) */
  truncated: boolean;
  /** cells `[row, column]` whose value was cut to sqlValueMaxChars */
  truncatedValues: [number, number][];
  durationMs: number;
}

/**
 * The first keyword of a statement, upper-cased (`select`, `/* x *\/ (SELECT`, `-- x\nWITH` → SELECT, SELECT, WITH),
 * skipping spaces, comments (`--`, `#`, `/* *\/`) and opening parentheses; null when there is none.
 */
export function leadingKeyword(statement: string): string | null {
  let rest = statement;
  for (;;) {
    const skipped = rest.replace(/^(?:\s+|\(|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))/, "");
    if (skipped === rest) break;
    rest = skipped;
  }
  const word = /^[A-Za-z_]+/.exec(rest)?.[0];
  return word === undefined ? null : word.toUpperCase();
}
