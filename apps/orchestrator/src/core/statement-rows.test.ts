import { leadingKeyword, sqlValueMaxChars } from "@director/domain/sql-console";
import { describe, expect, it } from "vitest";
import { StatementRows } from "./statement-rows.js";

describe("StatementRows", () => {
  it("holds maxRows rows and learns from one more that the answer is truncated", () => {
    const rows = new StatementRows(2);
    expect(rows.wanted).toBe(3);
    expect(rows.add(["1"])).toBe(true);
    expect(rows.add([null])).toBe(true);
    expect(rows.wanted).toBe(1);
    expect(rows.add(["3"])).toBe(false);
    expect([rows.rows, rows.isTruncated, rows.wanted]).toEqual([[["1"], [null]], true, 0]);
  });

  it("is not truncated when exactly maxRows rows came", () => {
    const rows = new StatementRows(2);
    rows.add(["1"]);
    rows.add(["2"]);
    expect(rows.isTruncated).toBe(false);
  });

  it("cuts a long value and lists its cell", () => {
    const rows = new StatementRows(5);
    rows.add(["short", "x".repeat(sqlValueMaxChars + 1)]);
    rows.add(["y".repeat(sqlValueMaxChars), null]);
    expect(rows.rows[0]?.[1]).toHaveLength(sqlValueMaxChars);
    expect(rows.rows[1]?.[0]).toHaveLength(sqlValueMaxChars);
    expect(rows.truncatedValues).toEqual([[0, 1]]);
  });

  it("stops at the answer's size limit", () => {
    const rows = new StatementRows(100, 25);
    for (let index = 0; index < 10; index += 1) rows.add(["0123456789"]);
    expect([rows.rows.length, rows.isTruncated]).toEqual([3, true]);
  });
});

describe("leadingKeyword", () => {
  it.each([
    ["select 1", "SELECT"],
    ["  /* a comment */ (SELECT 1)", "SELECT"],
    ["-- a line\n# another\nwith x as (select 1) select * from x", "WITH"],
    ["insert into t values (1)", "INSERT"],
    ["/* unfinished", null],
    ["-- only a comment", null],
    ["", null],
  ])("reads %j as %s", (statement, keyword) => {
    expect(leadingKeyword(statement)).toBe(keyword);
  });
});
