/**
 * The entries of a zip and their contents as text, read by Python's zipfile (Debian's python3): a reader that is not
 * the one that wrote it, and that checks every entry's CRC.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const script = [
  "import json, sys, zipfile",
  "archive = zipfile.ZipFile(sys.argv[1])",
  "assert archive.testzip() is None",
  "if sys.argv[2] == 'methods':",
  "    print(json.dumps({e.filename: 'deflated' if e.compress_type == zipfile.ZIP_DEFLATED else 'stored' for e in archive.infolist()}))",
  "else:",
  "    print(json.dumps({entry.filename: archive.read(entry).decode() for entry in archive.infolist()}))",
].join("\n");

/** Folders appear as `name/` with empty contents. */
export async function zipEntries(zip: Buffer | AsyncIterable<Buffer | Uint8Array>): Promise<Record<string, string>> {
  return readZip(zip, "contents");
}

/** How each entry is kept: `deflated` or `stored`. */
export async function zipMethods(zip: Buffer | AsyncIterable<Buffer | Uint8Array>): Promise<Record<string, string>> {
  return readZip(zip, "methods");
}

async function readZip(
  zip: Buffer | AsyncIterable<Buffer | Uint8Array>,
  what: "contents" | "methods",
): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  if (Buffer.isBuffer(zip)) chunks.push(zip);
  else for await (const chunk of zip) chunks.push(Buffer.from(chunk));
  const dir = await mkdtemp(path.join(tmpdir(), "director-zip-"));
  try {
    const file = path.join(dir, "read.zip");
    await writeFile(file, Buffer.concat(chunks));
    return JSON.parse(execFileSync("python3", ["-c", script, file, what], { encoding: "utf8" }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
