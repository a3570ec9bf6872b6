/** Whether `parse` accepts its value; for schema refinements whose own message names the expected form. */
export function isParsable(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false; // the parser's own message is replaced by the schema's, which names the expected form
  }
}
