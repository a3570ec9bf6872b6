import { open, readFile, stat } from "node:fs/promises";

/** Reading what nginx leaves behind: its pid file, its error log, and the error lines of its output. */

/** The "[emerg] ..." (or alert/crit) lines of nginx's output, without their timestamp and pid prefix. */
export function extractNginxErrors(output: string): string | null {
  const lines = output
    .split("\n")
    .map((line) => /\[(emerg|alert|crit)\] (?:\d+#\d+: )?(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => `[${match[1]}] ${match[2]}`);
  return lines.length === 0 ? null : lines.join("\n");
}

/** The pid in nginx's pid file, or null when there is no (valid) pid file. */
export async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The size of a file in bytes, 0 when it does not exist yet. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

/** What was appended to a file since it was `offset` bytes long (all of it if it was truncated since). */
export async function readFileFrom(path: string, offset: number): Promise<string> {
  const size = await fileSize(path);
  const start = size < offset ? 0 : offset;
  if (size === start) return "";
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await file.close();
  }
}

/** The last few KiB of a file, or a note saying why not (only used to enrich a log line). */
export async function readFileTail(path: string, bytes = 2048): Promise<string> {
  try {
    return await readFileFrom(path, Math.max(0, (await fileSize(path)) - bytes));
  } catch (error) {
    return `(could not read ${path}: ${(error as Error).message})`;
  }
}
