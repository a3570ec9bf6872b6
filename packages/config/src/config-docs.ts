/**
 * The README's configuration tables, made from configuration tables: one row per variable (name, default,
 * meaning), written between marker comments so that a test can tell when the README and the code differ.
 */
import type { z } from "zod";
import type { PlacedVariable } from "./config-table.js";

const mebibyte = 1024 * 1024;
const durationUnits: ReadonlyArray<readonly [number, string, string]> = [
  [24 * 3600_000, "day", "days"],
  [3600_000, "h", "h"],
  [60_000, "min", "min"],
  [1000, "s", "s"],
];

/** The input default of a schema (before any transform), or nothing when it has none. */
export function defaultOf(schema: z.ZodType): { value: unknown } | undefined {
  const def = schema.def as { type: string; defaultValue?: unknown; in?: z.ZodType };
  if (def.type === "default" || def.type === "prefault") return { value: def.defaultValue };
  if (def.type === "pipe" && def.in) return defaultOf(def.in);
  return undefined;
}

/** A default in words a person reads: `1209600000` (14 days), `104857600` (100 MiB). */
function readableValue(env: string, value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "none" : `\`${value.join(",")}\``;
  if (value === "") return "none";
  const text = `\`${String(value)}\``;
  if (typeof value !== "number" || value === 0) return text;
  if (env.endsWith("_MS")) {
    const unit = durationUnits.find(([size]) => value % size === 0);
    if (unit) return `${text} (${value / unit[0]} ${value === unit[0] ? unit[1] : unit[2]})`;
  }
  if (env.endsWith("_BYTES") && value % mebibyte === 0) return `${text} (${value / mebibyte} MiB)`;
  return text;
}

/** The default column of a variable's row. A secret's default is never shown. */
export function defaultText({ variable, section }: PlacedVariable): string {
  if (variable.defaultDoc !== undefined) return variable.defaultDoc;
  const found = defaultOf(variable.schema);
  if (found !== undefined) return variable.isSecret ? "(hidden)" : readableValue(variable.env, found.value);
  if (variable.schema.safeParse(undefined).success) return "unset";
  if (section && section.trigger !== variable) return `required with \`${section.trigger.env}\``;
  return "required";
}

/** Markdown table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** A Markdown table of the variables (name, default, meaning), columns padded as a formatter would. */
export function renderConfigTable(variables: readonly PlacedVariable[]): string {
  const header = ["variable", "default", "meaning"];
  const rows = variables.map((placed) =>
    [`\`${placed.variable.env}\``, defaultText(placed), placed.variable.doc].map(cell),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((text, column) => text.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** Each variable once, the first place it appears winning (a table may share another's variables). */
export function uniqueVariables(variables: readonly PlacedVariable[]): PlacedVariable[] {
  const seen = new Set<string>();
  return variables.filter(({ variable }) => {
    if (seen.has(variable.env)) return false;
    seen.add(variable.env);
    return true;
  });
}

const beginMarker = (name: string) => `<!-- BEGIN config ${name} (written by npm run docs:config from the code) -->`;
const endMarker = (name: string) => `<!-- END config ${name} -->`;

/** `document` with the block between the markers of `name` replaced by `content`; throws when they are missing. */
export function replaceGeneratedBlock(document: string, name: string, content: string): string {
  const begin = document.indexOf(beginMarker(name));
  const end = document.indexOf(endMarker(name));
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(`the document has no block "${name}": add the lines\n${beginMarker(name)}\n${endMarker(name)}`);
  }
  const before = document.slice(0, begin + beginMarker(name).length);
  return `${before}\n${content}\n${document.slice(end)}`;
}
