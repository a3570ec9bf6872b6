/**
 * The rows of one SQL console answer as an engine adapter reads them: it asks for at most `maxRows + 1` (the extra one
 * only tells that more existed), cuts each value to sqlValueMaxChars and stops at sqlAnswerMaxChars in all, so the
 * memory an answer takes is bounded whatever the statement returns.
 */
import { sqlAnswerMaxChars, sqlValueMaxChars } from "@director/domain/sql-console";

export class StatementRows {
  readonly rows: (string | null)[][] = [];
  readonly truncatedValues: [number, number][] = [];
  /** more rows were there than the answer holds */
  isTruncated = false;
  readonly #maxRows: number;
  readonly #answerMaxChars: number;
  #chars = 0;

  constructor(maxRows: number, answerMaxChars = sqlAnswerMaxChars) {
    this.#maxRows = maxRows;
    this.#answerMaxChars = answerMaxChars;
  }

  /** Rows the adapter may still read: the ones the answer can hold, plus one to learn whether there are more. */
  get wanted(): number {
    return this.isTruncated ? 0 : this.#maxRows + 1 - this.rows.length;
  }

  /** Adds one row; false once the answer is full, when the adapter stops reading. */
  add(values: readonly (string | null)[]): boolean {
    if (this.isTruncated) return false;
    if (this.rows.length === this.#maxRows || this.#chars >= this.#answerMaxChars) {
      this.isTruncated = true;
      return false;
    }
    const rowIndex = this.rows.length;
    const row = values.map((value, column) => {
      if (value === null) return null;
      if (value.length <= sqlValueMaxChars) return value;
      this.truncatedValues.push([rowIndex, column]);
      return value.slice(0, sqlValueMaxChars);
    });
    for (const value of row) this.#chars += value?.length ?? 0;
    this.rows.push(row);
    return true;
  }
}
