/**
 * Reading a configuration table from the environment: every variable at once, every problem in one CONFIG_INVALID
 * error under the variable's name, never a secret's value.
 */
import { DirectorError } from "@director/domain/errors";
import type { z } from "zod";
import {
  type ConfigSchemaOf,
  type ConfigTable,
  type ConfigVariable,
  configSchema,
  isOptionalSection,
  isVariable,
  variableAt,
  variablesOf,
  withoutVariables,
} from "./config-table.js";

/** The process environment, or any map of variable names to values. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable's value as the schema receives it: unset or empty is `undefined`, a list is split on commas. */
function rawValue(variable: ConfigVariable, env: Environment): string | string[] | undefined {
  const value = env[variable.env];
  if (value === undefined || value === "") return undefined;
  if (!variable.isList) return value;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** The table's input from the environment, nested as the table is; an optional section is read only when set. */
export function readEnvironment(table: ConfigTable, env: Environment): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(table)) {
    if (isVariable(entry)) input[key] = rawValue(entry, env);
    else if (isOptionalSection(entry)) {
      const trigger = entry.table[entry.trigger] as ConfigVariable;
      input[key] = rawValue(trigger, env) === undefined ? undefined : readEnvironment(entry.table, env);
    } else input[key] = readEnvironment(entry, env);
  }
  return input;
}

/** One problem as `VARIABLE: what is wrong`; a missing value is "is required", a secret's value is never shown. */
function describeIssue(table: ConfigTable, env: Environment, issue: z.core.$ZodIssue): string {
  const variable = variableAt(table, issue.path);
  if (variable === undefined) return `${issue.path.map(String).join(".") || "(configuration)"}: ${issue.message}`;
  const raw = rawValue(variable, env);
  const message = raw === undefined && issue.code === "invalid_type" ? "is required" : issue.message;
  return `${variable.env}: ${variable.isSecret ? hide(message, raw) : message}`;
}

/** `message` with every occurrence of the secret's value (and of each of its items) replaced. */
function hide(message: string, raw: string | string[] | undefined): string {
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((value) => value.length > 0);
  return values.reduce((text, value) => text.split(value).join("[hidden]"), message);
}

/** One CONFIG_INVALID error listing every problem (`VARIABLE: what is wrong`), each once. */
export function configInvalidError(component: string, problems: readonly string[]): DirectorError {
  const unique = [...new Set(problems)];
  return new DirectorError("CONFIG_INVALID", `The ${component}'s configuration is invalid:\n- ${unique.join("\n- ")}`, {
    details: { problems: unique },
  });
}

/** Parses the environment with `schema` (the table's, or one made from it); every problem in one error. */
export function parseConfig<S extends z.ZodType>(
  component: string,
  table: ConfigTable,
  schema: S,
  env: Environment,
): z.output<S> {
  const result = schema.safeParse(readEnvironment(table, env));
  if (result.success) return result.data;
  throw configInvalidError(
    component,
    result.error.issues.map((issue) => describeIssue(table, env, issue)),
  );
}

/** Every problem of the environment for this table, leaving out the variables named in `except` (set elsewhere). */
export function configProblems(table: ConfigTable, env: Environment, except: Iterable<string> = []): string[] {
  const checked = withoutVariables(table, new Set(except));
  const result = configSchema(checked).safeParse(readEnvironment(checked, env));
  return result.success ? [] : result.error.issues.map((issue) => describeIssue(checked, env, issue));
}

/** The variables of the table that are set (not empty) in `env`, leaving out those named in `except`. */
export function pickVariables(table: ConfigTable, env: Environment, except: Iterable<string> = []): Environment {
  const left = new Set(except);
  const picked: Record<string, string> = {};
  for (const { variable } of variablesOf(table)) {
    const value = env[variable.env];
    if (!left.has(variable.env) && value !== undefined && value !== "") picked[variable.env] = value;
  }
  return picked;
}

/** A component's configuration: its table, the schema made from it, and the loader. */
export interface ConfigDefinition<T extends ConfigTable, S extends z.ZodType> {
  readonly component: string;
  readonly table: T;
  readonly schema: S;
  /** Reads the configuration from `env`; throws one CONFIG_INVALID error that lists every problem. */
  load(env: Environment): z.output<S>;
}

/**
 * Defines a component's configuration from its table; `complete` fills in what depends on several variables
 * (a default made of another variable's value).
 */
export function defineConfig<T extends ConfigTable>(
  component: string,
  table: T,
): ConfigDefinition<T, ConfigSchemaOf<T>>;
export function defineConfig<T extends ConfigTable, Out>(
  component: string,
  table: T,
  complete: (config: z.output<ConfigSchemaOf<T>>) => Out,
): ConfigDefinition<T, z.ZodPipe<ConfigSchemaOf<T>, z.ZodTransform<Out, z.output<ConfigSchemaOf<T>>>>>;
export function defineConfig<T extends ConfigTable>(
  component: string,
  table: T,
  complete?: (config: z.output<ConfigSchemaOf<T>>) => unknown,
): ConfigDefinition<T, z.ZodType> {
  const schema = complete ? configSchema(table).transform(complete) : configSchema(table);
  return { component, table, schema, load: (env) => parseConfig(component, table, schema, env) };
}
