import { createHash } from "node:crypto";
import type { Brand } from "./brand.js";

/**
 * The version of a guidelines text, e.g. "3f2a9c0d1e4b5a67": the first 16 hex digits of the sha-256 of the text as
 * people read it. A person who accepted one version is asked again when the institution's text changes.
 */
export type GuidelinesVersion = Brand<string, "GuidelinesVersion">;

/**
 * The version of `text`. An editor's re-save must not ask thousands of people to accept the same words again, so
 * what does not change the text as read is left out: Windows line endings (CRLF, and a lone CR) count as LF, a byte
 * order mark at the start and whitespace at the end (a trailing newline more or less) do not count.
 */
export function guidelinesVersionOf(text: string): GuidelinesVersion {
  const normalised = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .trimEnd();
  return createHash("sha256").update(normalised, "utf8").digest("hex").slice(0, 16) as GuidelinesVersion;
}
