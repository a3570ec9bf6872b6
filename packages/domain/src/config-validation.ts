import { DirectorError } from "./errors.js";

/** One problem a schema found in a configuration: where (a path into the config object) and what. */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * One CONFIG_INVALID error listing every problem, each under the environment variable to fix; `variables` maps a
 * config path (`http.port`; array indices are dropped) to its variable name.
 */
export function invalidConfigError(
  component: string,
  issues: readonly ConfigIssue[],
  variables: Readonly<Record<string, string>>,
): DirectorError {
  const problems = issues.map((issue) => {
    const key = issue.path.filter((part) => typeof part === "string").join(".");
    return `${variables[key] ?? key}: ${issue.message}`;
  });
  return new DirectorError(
    "CONFIG_INVALID",
    `The ${component}'s configuration is invalid:\n- ${problems.join("\n- ")}`,
    {
      details: { problems },
    },
  );
}

/** Whether `parse` accepts its value; for schema refinements whose own message names the expected form. */
export function isParsable(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false; // the parser's own message is replaced by the schema's, which names the expected form
  }
}
