/**
 * Walks the zod schemas of requests (packages/contracts) for tests that attack them: every field of a schema (its
 * leaves), a value the schema's shape accepts (a sample), and bad variants of that sample, one field at a time.
 * Reads zod 4's schema definitions (`_zod.def`), the same structure zod itself walks for `z.toJSONSchema`.
 */
import type { z } from "zod";

/** Where a field is in a value: object keys and array indexes. */
export type FieldPath = Array<string | number>;

/** One field of a schema: a string, or any other value (a number, a flag, a choice). */
export interface SchemaLeaf {
  path: FieldPath;
  schema: z.ZodType;
  isString: boolean;
  /** the longest string the field accepts, when it says */
  maxLength: number | null;
}

interface ZodDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: unknown[];
  format?: string;
}

function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** Wrappers whose value is their inner schema's. */
const wrappers = new Set(["optional", "nullable", "default", "prefault", "readonly", "nonoptional", "catch"]);

/** Every field of `schema`; a union's options and an array's element each count (the element at index 0). */
export function leavesOf(schema: z.ZodType, path: FieldPath = []): SchemaLeaf[] {
  const def = defOf(schema);
  if (wrappers.has(def.type) && def.innerType) return leavesOf(def.innerType, path);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) => leavesOf(field, [...path, key]));
    // A pipe's input is what the request carries (its output is a transform's result).
    case "pipe":
      return def.in ? leavesOf(def.in, path) : [];
    case "array":
      return def.element ? leavesOf(def.element, [...path, 0]) : [];
    case "union":
      return (def.options ?? []).flatMap((option) => leavesOf(option, path));
    case "record":
      return def.valueType ? leavesOf(def.valueType, [...path, "key"]) : [];
    case "string": {
      const maxLength = (schema as unknown as { maxLength?: number | null }).maxLength ?? null;
      return [{ path, schema, isString: true, maxLength }];
    }
    default:
      return [{ path, schema, isString: false, maxLength: null }];
  }
}

/** A value of the schema's shape: strings "corpus" (a URL or an email where the format says), numbers 1, flags true. */
export function sampleOf(schema: z.ZodType): unknown {
  const def = defOf(schema);
  if (wrappers.has(def.type) && def.innerType) return sampleOf(def.innerType);
  switch (def.type) {
    case "object":
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, field]) => [key, sampleOf(field)]));
    case "pipe":
      return def.in ? sampleOf(def.in) : null;
    case "array":
      return def.element ? [sampleOf(def.element)] : [];
    case "union":
      return def.options?.[0] ? sampleOf(def.options[0]) : null;
    case "record":
      return def.valueType ? { key: sampleOf(def.valueType) } : {};
    case "string":
      if (def.format === "url") return "https://example.test/corpus";
      if (def.format === "email") return "corpus@example.test";
      return "corpus";
    case "number":
      return 1;
    case "boolean":
      return true;
    case "literal":
      return def.values?.[0] ?? null;
    case "enum":
      return Object.values(def.entries ?? {})[0] ?? null;
    default:
      return null;
  }
}

/** A copy of `value` with `replacement` at `path`. */
export function withFieldAt(value: unknown, path: FieldPath, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = withFieldAt(copy[head as number], rest, replacement);
    return copy;
  }
  const object = typeof value === "object" && value !== null ? { ...(value as Record<string, unknown>) } : {};
  object[head] = withFieldAt(object[head], rest, replacement);
  return object;
}
