/**
 * The dump and restore tools as child processes: an argv array and no shell, a whole environment of our own (the
 * password in the tool's variable, never on argv where `ps` shows it), stderr kept for the error message (its tail),
 * and the child killed when the caller stops wanting it.
 */
import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import { PassThrough, type Readable } from "node:stream";

/** One run of a tool: its absolute path, its arguments and its whole environment. */
export interface ToolRun {
  program: string;
  args: readonly string[];
  env: Record<string, string>;
}

/** How a tool that failed ended: its exit status and the end of what it wrote to stderr. */
export class ToolFailure extends Error {
  readonly exitCode: number;
  readonly stderr: string;

  constructor(program: string, exitCode: number, stderr: string, options: { cause?: unknown } = {}) {
    super(`${program} ended with status ${exitCode}: ${stderr}`, options);
    this.name = "ToolFailure";
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The most of a tool's stderr kept (its end, where the error is). */
const stderrKeptBytes = 16 * 1024;

/**
 * Starts `run` and resolves with its output once it has written its first bytes (the login and the catalog reads are
 * past); rejects with a ToolFailure when it fails before. The output ends only once the tool has exited with 0: a
 * failure afterwards destroys it with a ToolFailure, so a reader never takes a cut dump for a whole one. `signal`
 * kills the tool (SIGKILL: its session ends with its socket) at any time.
 */
export function startStreamingTool(run: ToolRun, signal: AbortSignal): Promise<Readable> {
  const child = spawn(run.program, [...run.args], { env: run.env, shell: false, stdio: ["ignore", "pipe", "pipe"] });
  const output = new PassThrough();
  const stderr = keepTail(child.stderr);
  const kill = () => child.kill("SIGKILL");
  if (signal.aborted) kill();
  else signal.addEventListener("abort", kill, { once: true });
  // A reader that stops early (its client left) ends the tool too.
  output.on("close", () => {
    if (child.exitCode === null && child.signalCode === null) kill();
  });
  return new Promise<Readable>((resolve, reject) => {
    let isStarted = false;
    child.on("error", (error) => reject(new ToolFailure(run.program, -1, error.message, { cause: error })));
    child.stdout.on("data", (chunk: Buffer) => {
      if (!output.write(chunk)) {
        child.stdout.pause();
        output.once("drain", () => child.stdout.resume());
      }
      if (!isStarted) {
        isStarted = true;
        resolve(output);
      }
    });
    // `close` comes once the child exited and its output was all read.
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", kill);
      const exitCode = code ?? (killedBy === null ? -1 : 128);
      if (exitCode === 0) {
        output.end();
        if (!isStarted) resolve(output); // an empty dump: nothing was written
        return;
      }
      const failure = new ToolFailure(run.program, exitCode, stderr());
      if (isStarted) output.destroy(failure);
      else reject(failure);
    });
  });
}

/**
 * Runs `run` with the file at `inputPath` as its stdin; resolves once it succeeded (a ToolFailure otherwise) with how
 * many lines of its stderr `isCounted` picked (a verbose tool's progress).
 */
export async function runToolOnFile(
  run: ToolRun,
  inputPath: string,
  isCounted: (line: string) => boolean = () => false,
): Promise<{ countedLines: number }> {
  const input = await open(inputPath, "r");
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(run.program, [...run.args], {
        env: run.env,
        shell: false,
        stdio: [input.fd, "ignore", "pipe"],
      });
      const errors = child.stderr as Readable; // piped, so there
      const stderr = keepTail(errors);
      let countedLines = 0;
      let pending = "";
      errors.on("data", (chunk: Buffer) => {
        const lines = (pending + chunk.toString("utf8")).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) if (isCounted(line)) countedLines += 1;
      });
      child.on("error", (error) => reject(new ToolFailure(run.program, -1, error.message, { cause: error })));
      child.on("close", (code) => {
        if (code === 0) resolve({ countedLines });
        else reject(new ToolFailure(run.program, code ?? -1, stderr()));
      });
    });
  } finally {
    await input.close();
  }
}

/** Collects a stream's text, keeping its last `maxBytes`; the function answers what was kept so far. */
function keepTail(stream: Readable, maxBytes = stderrKeptBytes): () => string {
  let kept = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer) => {
    kept = Buffer.concat([kept, chunk]);
    if (kept.length > maxBytes) kept = kept.subarray(kept.length - maxBytes);
  });
  return () => kept.toString("utf8").trim();
}
