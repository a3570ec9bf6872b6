import { describe, expect, it } from "vitest";
import { maxRosterRows, parseRoster } from "./roster.js";

describe("parseRoster", () => {
  it("reads a CSV with a header, its columns in any order, quoted cells and a BOM", () => {
    const roster = parseRoster(
      '\uFEFFEmail,Username,Full name,Graduation year\r\njane@example.org,JDoe,"Doe, Jane",2027\r\n,asmith,Al Smith,\r\n',
    );
    expect(roster.problems).toEqual([]);
    expect(roster.students).toEqual([
      { line: 2, username: "jdoe", displayName: "Doe, Jane", email: "jane@example.org", graduationYear: 2027 },
      { line: 3, username: "asmith", displayName: "Al Smith", email: null, graduationYear: null },
    ]);
  });

  it("reads a CSV without a header as username, name, email, graduation year", () => {
    const roster = parseRoster("jdoe,Jane Doe,jane@example.org,2027\nasmith,Al Smith\n");
    expect(roster.students.map((student) => [student.username, student.displayName, student.graduationYear])).toEqual([
      ["jdoe", "Jane Doe", 2027],
      ["asmith", "Al Smith", null],
    ]);
  });

  it("reads pasted usernames separated by lines, spaces, commas or semicolons", () => {
    const roster = parseRoster("jdoe asmith\n\nbkim, clee;dng\n");
    expect(roster.problems).toEqual([]);
    expect(roster.students.map((student) => [student.line, student.username])).toEqual([
      [1, "jdoe"],
      [1, "asmith"],
      [3, "bkim"],
      [3, "clee"],
      [3, "dng"],
    ]);
  });

  it("reports each bad row by its line and keeps the good ones", () => {
    const roster = parseRoster(
      [
        "username,name,email,year",
        "good1,Good One,g1@example.org,2027",
        "bad user,Bad,bad@example.org,2027",
        "good2,Good Two,not-an-email,2027",
        "good3,Good Three,g3@example.org,twenty",
        "good1,Again,again@example.org,2027",
        ",No Username,nobody@example.org,2027",
        "good4,Good Four,g4@example.org,2028",
      ].join("\n"),
    );
    expect(roster.students.map((student) => student.username)).toEqual(["good1", "good4"]);
    expect(roster.problems.map((problem) => [problem.line, problem.code])).toEqual([
      [3, "USERNAME_INVALID"],
      [4, "EMAIL_INVALID"],
      [5, "GRADUATION_YEAR_INVALID"],
      [6, "DUPLICATE_USERNAME"],
      [7, "USERNAME_INVALID"],
    ]);
    expect(roster.problems[0]?.message).toContain('"bad user" is no username');
  });

  it("keeps the first rows of a roster that is too long and says the rest were left out, once", () => {
    const text = Array.from({ length: maxRosterRows + 5 }, (_, index) => `student${index}`).join("\n");
    const roster = parseRoster(text);
    expect(roster.students).toHaveLength(maxRosterRows);
    expect(roster.problems).toHaveLength(1);
    expect(roster.problems[0]).toMatchObject({ line: maxRosterRows + 1, code: "ROW_INVALID" });
  });

  it("reports a CSV it cannot read instead of throwing", () => {
    const roster = parseRoster('username,name\njdoe,"Jane\n');
    expect(roster.problems[0]?.code).toBe("ROW_INVALID");
  });
});
