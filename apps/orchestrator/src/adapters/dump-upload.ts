/**
 * An import's upload received whole before anything runs: its first line (the access JSON, at most
 * `importAccessMaxBytes`), then the dump written to a private temporary file as it comes, counted against the limit
 * the first line names. A body that ends early (the manager stopped it: its own limit, its client gone) throws, so a
 * cut dump is never restored; and since the dump runs only once it is complete, a refused upload changes nothing.
 */
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { importAccessMaxBytes } from "@director/contracts/orchestrator-database-transfers";
import { DirectorError } from "@director/domain/errors";

/** A received dump: its access line parsed, the file it is in, its size; `dispose` removes the file. */
export interface ReceivedDump<T> {
  access: T;
  file: string;
  bytes: number;
  dispose(): Promise<void>;
}

/**
 * Reads `body` to its end: `parseAccess` checks the first line (and says how many bytes may follow), the rest goes
 * to a file in a new folder of its own (mode 700) under the system's temporary folder.
 */
export async function receiveDumpUpload<T extends { maxBytes: number }>(
  body: Readable,
  parseAccess: (line: string) => T,
): Promise<ReceivedDump<T>> {
  const folder = await mkdtemp(path.join(tmpdir(), "director-import-"));
  const dispose = () => rm(folder, { recursive: true, force: true });
  const file = path.join(folder, "dump");
  const output = await open(file, "wx", 0o600);
  try {
    let head = Buffer.alloc(0);
    let access: T | undefined;
    let bytes = 0;
    const write = async (chunk: Buffer) => {
      if (access === undefined || chunk.length === 0) return;
      bytes += chunk.length;
      if (bytes > access.maxBytes) throw tooLarge(access.maxBytes);
      await output.write(chunk);
    };
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (access !== undefined) {
        await write(chunk);
        continue;
      }
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(0x0a);
      if (newline < 0) {
        if (head.length > importAccessMaxBytes) throw noAccessLine();
        continue;
      }
      if (newline > importAccessMaxBytes) throw noAccessLine();
      access = parseAccess(head.subarray(0, newline).toString("utf8"));
      await write(head.subarray(newline + 1));
    }
    if (access === undefined) throw noAccessLine();
    await output.close();
    return { access, file, bytes, dispose };
  } catch (error) {
    await output.close().catch(() => undefined); // closed already when the error came after the end
    await dispose();
    throw error;
  }
}

function tooLarge(maxBytes: number): DirectorError {
  return new DirectorError(
    "DATABASE_IMPORT_TOO_LARGE",
    `The dump is larger than the import limit of ${maxBytes} bytes.`,
    {
      details: { maxBytes },
    },
  );
}

function noAccessLine(): DirectorError {
  return new DirectorError("VALIDATION_FAILED", "An import's body starts with its access line (JSON) and a newline.");
}
