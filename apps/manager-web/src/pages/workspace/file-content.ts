/**
 * What the editor may do with a file: open it for editing, open it read-only (large), or not at all (too large, or
 * binary: a NUL byte near the start or bytes that are not UTF-8).
 */

/** Larger files open read-only: the editor stays responsive and nobody saves a half-megabyte by accident. */
export const maxEditableBytes = 1024 * 1024;
/** Larger files are not opened at all; they can be downloaded. */
export const maxOpenBytes = 5 * 1024 * 1024;
/** How far a NUL byte marks a file as binary (what git and most editors look at). */
export const binarySniffBytes = 8 * 1024;

/** How a file of `sizeBytes` opens. */
export function openModeForSize(sizeBytes: number): "edit" | "readOnly" | "tooLarge" {
  if (sizeBytes > maxOpenBytes) return "tooLarge";
  if (sizeBytes > maxEditableBytes) return "readOnly";
  return "edit";
}

/** A file's content as the editor sees it. */
export type DecodedFile = { kind: "text"; text: string; lineSeparator: "\n" | "\r\n" } | { kind: "binary" };

/**
 * The text of `bytes`, or binary. A byte order mark is kept in the text, so that saving writes the file back as it
 * was; a file whose lines end in CRLF keeps CRLF (the editor joins lines with the separator it is given).
 */
export function decodeFile(bytes: Uint8Array): DecodedFile {
  if (bytes.subarray(0, binarySniffBytes).includes(0)) return { kind: "binary" };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { kind: "binary" };
  }
  return { kind: "text", text, lineSeparator: text.includes("\r\n") ? "\r\n" : "\n" };
}

/** The bytes a text is saved as. */
export function encodeText(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

/** Whether a file's mode lets anyone run it (any execute bit): it is then saved with mode 755 to stay so. */
export function isExecutableMode(mode: number): boolean {
  return (mode & 0o111) !== 0;
}
