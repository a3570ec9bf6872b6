/**
 * A configuration table: every environment variable a component reads, each written once with its schema (and
 * so its default), one line of documentation and whether it is a secret. The loader, the error that lists every
 * problem and the README's tables are all made from it (load-config.ts, config-docs.ts).
 */
import { z } from "zod";

const variableBrand = Symbol("config variable");
const sectionBrand = Symbol("optional config section");

/** One environment variable. */
export interface ConfigVariable<S extends z.ZodType = z.ZodType> {
  readonly [variableBrand]: true;
  /** its name, e.g. `DIRECTOR_MANAGER_PORT` */
  readonly env: string;
  /** how its value is checked and converted; its `.default()` is the default (shown in the README) */
  readonly schema: S;
  /** one line for the README: what it sets, with its unit where the name does not say it */
  readonly doc: string;
  /** the README's default when the schema's own would mislead (computed, or different on every machine) */
  readonly defaultDoc?: string | undefined;
  /** a token, password or URL with credentials: its value never appears in an error, its default never in docs */
  readonly isSecret: boolean;
  /** a comma-separated list: the schema receives the items, trimmed, empty ones dropped */
  readonly isList: boolean;
}

/** A section of the configuration that exists only when one of its variables (`trigger`) is set. */
export interface OptionalSection<T extends ConfigTable = ConfigTable> {
  readonly [sectionBrand]: true;
  /** the key of the variable in `table` whose value makes the section present */
  readonly trigger: string;
  readonly table: T;
}

/** The variables of a component, nested as its typed configuration object is. */
export interface ConfigTable {
  readonly [key: string]: ConfigEntry;
}
/** What a table holds under a key: a variable, a section (a nested table) or an optional section. */
export type ConfigEntry = ConfigVariable | ConfigTable | OptionalSection;

/** Declares one variable: `variable({ env: "DIRECTOR_X_MS", schema: z.coerce.number().default(5), doc: "..." })`. */
export function variable<S extends z.ZodType>(options: {
  env: string;
  schema: S;
  doc: string;
  defaultDoc?: string;
  isSecret?: boolean;
  isList?: boolean;
}): ConfigVariable<S> {
  return {
    [variableBrand]: true,
    env: options.env,
    schema: options.schema,
    doc: options.doc,
    defaultDoc: options.defaultDoc,
    isSecret: options.isSecret ?? false,
    isList: options.isList ?? false,
  };
}

/** A section present only when `trigger` (one of its variables) is set; its other variables are read only then. */
export function sectionWhenSet<T extends ConfigTable>(trigger: keyof T & string, table: T): OptionalSection<T> {
  if (!isVariable(table[trigger])) throw new TypeError(`${trigger} is not a variable of this section`);
  return { [sectionBrand]: true, trigger, table };
}

/** Whether a table's entry is a variable (rather than a section). */
export function isVariable(entry: ConfigEntry | undefined): entry is ConfigVariable {
  return entry !== undefined && variableBrand in entry;
}

/** Whether a table's entry is a section present only when one of its variables is set. */
export function isOptionalSection(entry: ConfigEntry | undefined): entry is OptionalSection {
  return entry !== undefined && sectionBrand in entry;
}

type EntrySchema<E> =
  E extends ConfigVariable<infer S>
    ? S
    : E extends OptionalSection<infer T>
      ? z.ZodOptional<ConfigSchemaOf<T>>
      : E extends ConfigTable
        ? z.ZodPrefault<ConfigSchemaOf<E>>
        : never;

/** The zod schema of a table: an object per section (`{}` when absent), an optional object per optional section. */
export type ConfigSchemaOf<T extends ConfigTable> = z.ZodObject<{ -readonly [K in keyof T]: EntrySchema<T[K]> }>;

/** The typed configuration a table describes. */
export type ConfigOf<T extends ConfigTable> = z.output<ConfigSchemaOf<T>>;

/** The zod schema of a table (what the loader parses; tests and `director up` may parse nested input with it). */
export function configSchema<T extends ConfigTable>(table: T): ConfigSchemaOf<T> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, entry] of Object.entries(table)) {
    if (isVariable(entry)) shape[key] = entry.schema;
    else if (isOptionalSection(entry)) shape[key] = configSchema(entry.table).optional();
    else shape[key] = configSchema(entry).prefault({});
  }
  return z.object(shape) as unknown as ConfigSchemaOf<T>;
}

/** One variable of a table with where it sits, for the loader's messages and the docs. */
export interface PlacedVariable {
  readonly path: readonly string[];
  readonly variable: ConfigVariable;
  /** set when the variable belongs to an optional section: the variable that makes the section present */
  readonly section?: { readonly trigger: ConfigVariable } | undefined;
}

/** Every variable of a table, in the table's order. */
export function variablesOf(table: ConfigTable, path: readonly string[] = [], section?: PlacedVariable["section"]) {
  const found: PlacedVariable[] = [];
  for (const [key, entry] of Object.entries(table)) {
    if (isVariable(entry)) found.push({ path: [...path, key], variable: entry, section });
    else if (isOptionalSection(entry)) {
      const trigger = entry.table[entry.trigger] as ConfigVariable;
      found.push(...variablesOf(entry.table, [...path, key], { trigger }));
    } else found.push(...variablesOf(entry, [...path, key], section));
  }
  return found;
}

/** The variable at `path` in a table (a path into the parsed object; list indices and deeper parts are ignored). */
export function variableAt(table: ConfigTable, path: readonly PropertyKey[]): ConfigVariable | undefined {
  let entry: ConfigEntry | undefined = table;
  for (const part of path) {
    if (entry === undefined || isVariable(entry)) break;
    if (typeof part !== "string") return undefined;
    const current: ConfigTable = isOptionalSection(entry) ? entry.table : entry;
    entry = Object.hasOwn(current, part) ? current[part] : undefined;
  }
  return isVariable(entry) ? entry : undefined;
}

/** The table without the named variables (sections that end up empty stay, as empty sections). */
export function withoutVariables(table: ConfigTable, names: ReadonlySet<string>): ConfigTable {
  const kept: Record<string, ConfigEntry> = {};
  for (const [key, entry] of Object.entries(table)) {
    if (isVariable(entry)) {
      if (!names.has(entry.env)) kept[key] = entry;
    } else if (isOptionalSection(entry)) {
      const trigger = entry.table[entry.trigger] as ConfigVariable;
      if (!names.has(trigger.env)) kept[key] = sectionWhenSet(entry.trigger, withoutVariables(entry.table, names));
    } else kept[key] = withoutVariables(entry, names);
  }
  return kept;
}
