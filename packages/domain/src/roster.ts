/**
 * A class roster as a teacher has it: a CSV export (username, name, email, graduation year; a header row names the
 * columns in any order) or usernames pasted one per line or separated by spaces or commas. Each line becomes a row
 * or a problem; one bad line never spoils the others.
 */
import { parse } from "csv-parse/sync";
import { isDirectorError } from "./errors.js";
import { parseUsername, type Username } from "./username.js";

/** The most rows one roster may hold (a school's largest course is far below it; bench/provisioning.ts uses 500). */
export const maxRosterRows = 1000;
/** The most characters of roster text accepted at once. */
export const maxRosterChars = 256 * 1024;

export interface RosterStudent {
  /** the line of the roster (1-based), as the teacher's spreadsheet numbers it */
  line: number;
  username: Username;
  displayName: string | null;
  email: string | null;
  graduationYear: number | null;
}

export interface RosterProblem {
  line: number;
  /** what the line said, for the report (the first 100 characters) */
  text: string;
  code: "USERNAME_INVALID" | "EMAIL_INVALID" | "GRADUATION_YEAR_INVALID" | "DUPLICATE_USERNAME" | "ROW_INVALID";
  message: string;
}

export interface Roster {
  students: RosterStudent[];
  problems: RosterProblem[];
}

type Column = "username" | "displayName" | "email" | "graduationYear";

/** Header cells (lowercased, spaces and punctuation dropped) and the column each names. */
const headerNames: Record<string, Column> = {
  username: "username",
  user: "username",
  login: "username",
  name: "displayName",
  fullname: "displayName",
  displayname: "displayName",
  email: "email",
  emailaddress: "email",
  mail: "email",
  graduationyear: "graduationYear",
  gradyear: "graduationYear",
  year: "graduationYear",
  classof: "graduationYear",
};

const defaultColumns: Column[] = ["username", "displayName", "email", "graduationYear"];

/** Reads a roster; never throws for its content (the caller bounds its size first). */
export function parseRoster(text: string): Roster {
  return looksLikeCsv(text) ? parseCsvRoster(text) : parseUsernameList(text);
}

/**
 * A CSV starts with a header naming a username column, or has a comma-separated cell that no username could be (a
 * name with a space, an email address); anything else is a list of usernames, however separated. A roster of bare
 * usernames and years is ambiguous: a header settles it (the guide says so).
 */
function looksLikeCsv(text: string): boolean {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const firstCells = firstLine.split(",").map((cell) => cell.trim().replace(/^"|"$/g, "").toLowerCase());
  if (firstCells.length > 1 && firstCells.some((cell) => headerNames[cell.replace(/[^a-z]/g, "")] === "username")) {
    return true;
  }
  return text
    .split(/\r?\n/)
    .some((line) => line.includes(",") && line.split(",").some((cell) => /[@"]|\S\s+\S/.test(cell.trim())));
}

function parseUsernameList(text: string): Roster {
  const students: RosterStudent[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((lineText, index) => {
    for (const token of lineText.split(/[\s,;]+/).filter((part) => part !== "")) {
      addRow({ line: index + 1, text: token, cells: { username: token } }, students, problems, seen);
    }
  });
  return { students, problems };
}

function parseCsvRoster(text: string): Roster {
  const students: RosterStudent[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Set<string>();
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // with `info`, each record comes with where it ends; csv-parse's types do not follow that option
    records = parse(text, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = Number((error as { lines?: number }).lines ?? 1);
    problems.push({
      line,
      text: "",
      code: "ROW_INVALID",
      message: `The CSV could not be read from line ${line}: ${(error as Error).message}`,
    });
    return { students, problems };
  }
  let columns = defaultColumns;
  const first = records[0]?.record;
  const headerColumns = first?.map((cell) => headerNames[cell.toLowerCase().replace(/[^a-z]/g, "")]);
  if (headerColumns?.includes("username")) {
    columns = headerColumns.map((column) => column ?? ("ignored" as Column));
    records = records.slice(1);
  }
  for (const { record, info } of records) {
    const cells: Partial<Record<Column, string>> = {};
    columns.forEach((column, index) => {
      const value = record[index];
      if (value !== undefined && value !== "" && cells[column] === undefined) cells[column] = value;
    });
    addRow({ line: info.lines, text: record.join(","), cells }, students, problems, seen);
  }
  return { students, problems };
}

function addRow(
  row: { line: number; text: string; cells: Partial<Record<Column, string>> },
  students: RosterStudent[],
  problems: RosterProblem[],
  seen: Set<string>,
): void {
  const problem = (code: RosterProblem["code"], message: string) =>
    problems.push({ line: row.line, text: row.text.slice(0, 100), code, message });
  if (students.length + problems.length >= maxRosterRows) {
    if (problems.at(-1)?.code !== "ROW_INVALID" || !problems.at(-1)?.message.startsWith("A roster holds at most")) {
      problem(
        "ROW_INVALID",
        `A roster holds at most ${maxRosterRows} rows; this one and those after it were left out.`,
      );
    }
    return;
  }
  const rawUsername = (row.cells.username ?? "").trim().toLowerCase();
  let username: Username;
  try {
    username = parseUsername(rawUsername);
  } catch (error) {
    if (!isDirectorError(error)) throw error;
    const shown = rawUsername === "" ? "The row has no username." : `"${rawUsername.slice(0, 40)}" is no username.`;
    problem("USERNAME_INVALID", `${shown} ${error.message}`);
    return;
  }
  if (seen.has(username)) {
    problem("DUPLICATE_USERNAME", `${username} is on the roster already; this row was left out.`);
    return;
  }
  const email = row.cells.email?.trim() ?? null;
  if (email !== null && !/^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(email)) {
    problem("EMAIL_INVALID", `"${email.slice(0, 60)}" is no email address.`);
    return;
  }
  const yearText = row.cells.graduationYear?.trim() ?? null;
  const graduationYear = yearText === null ? null : Number(yearText);
  if (
    graduationYear !== null &&
    !(Number.isInteger(graduationYear) && graduationYear >= 1900 && graduationYear <= 2200)
  ) {
    problem("GRADUATION_YEAR_INVALID", `"${yearText?.slice(0, 20)}" is no graduation year (such as 2027).`);
    return;
  }
  seen.add(username);
  const displayName = row.cells.displayName?.trim().slice(0, 200) || null;
  students.push({ line: row.line, username, displayName, email, graduationYear });
}
