import { spawn } from "node:child_process";
import { constants } from "node:os";

/** Options for `runCommand`. */
export interface RunCommandOptions {
  /** Written to the child's stdin, which is then closed (the place for secrets, never argv). */
  stdin?: string | Buffer;
  /** Kill the child with SIGKILL and reject when it runs longer than this. Default: no limit. */
  timeoutMs?: number;
  /** The child's whole environment. Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the child. Default: this process's. */
  cwd?: string;
}

/** What a finished command printed and how it ended; a non-zero exit is a result, not an error. */
export interface CommandResult {
  /** The exit status, or 128 + the signal number when a signal ended the child (as shells report it). */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Why `runCommand` could not produce a `CommandResult`. */
export type RunCommandFailure = "spawn-failed" | "timed-out";

/** The program could not be started, or it outlived its timeout; `cause` keeps the system error. */
export class RunCommandError extends Error {
  readonly reason: RunCommandFailure;
  readonly program: string;

  constructor(reason: RunCommandFailure, program: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "RunCommandError";
    this.reason = reason;
    this.program = program;
  }
}

/**
 * Runs a program with an argv array and no shell, so no argument is ever parsed as shell syntax.
 * Resolves with the exit code and the whole output once the child has exited and closed its pipes.
 */
export function runCommand(
  argv: readonly [string, ...string[]],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const [program, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let isSettled = false;
    const settle = (finish: () => void): void => {
      if (isSettled) return;
      isSettled = true;
      if (timer !== undefined) clearTimeout(timer);
      finish();
    };

    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGKILL");
            settle(() =>
              reject(
                new RunCommandError(
                  "timed-out",
                  program,
                  `${program} did not finish within ${options.timeoutMs} ms and was killed.`,
                ),
              ),
            );
          }, options.timeoutMs);

    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      settle(() =>
        reject(
          new RunCommandError("spawn-failed", program, `Could not run ${program}: ${error.message}`, { cause: error }),
        ),
      );
    });
    child.on("close", (code, signal) => {
      settle(() =>
        resolve({
          exitCode: code ?? 128 + (signal === null ? 0 : constants.signals[signal]),
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
        }),
      );
    });

    if (child.stdin !== null && options.stdin !== undefined) {
      child.stdin.on("error", (error: NodeJS.ErrnoException) => {
        // EPIPE: the child exited without reading all of its input; its exit code tells the caller what happened.
        if (error.code !== "EPIPE") {
          child.kill("SIGKILL");
          settle(() =>
            reject(
              new RunCommandError("spawn-failed", program, `Could not write to ${program}'s stdin.`, { cause: error }),
            ),
          );
        }
      });
      child.stdin.end(options.stdin);
    }
  });
}
