import { describe, expect, it } from "vitest";
import { RunCommandError, runCommand } from "./run-command.js";

describe("runCommand", () => {
  it("returns exit code and output of a finished program", async () => {
    const result = await runCommand(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(result).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const tricky = "$(touch /tmp/pwned); `id` && echo 'quoted' | cat > x";
    const result = await runCommand(["printf", "%s", tricky]);
    expect(result.stdout).toBe(tricky);
  });

  it("feeds stdin and closes it", async () => {
    const result = await runCommand(["cat"], { stdin: "secret\nline 2" });
    expect(result.stdout).toBe("secret\nline 2");
  });

  it("tolerates a child that exits without reading a large stdin", async () => {
    const result = await runCommand(["true"], { stdin: Buffer.alloc(4 * 1024 * 1024, 1) });
    expect(result.exitCode).toBe(0);
  });

  it("uses the given cwd and env", async () => {
    const result = await runCommand(["sh", "-c", 'printf "%s %s" "$PWD" "$GREETING"'], {
      cwd: "/tmp",
      env: { PATH: process.env.PATH, GREETING: "hello" },
    });
    expect(result.stdout).toBe("/tmp hello");
  });

  it("reports death by signal as 128 + the signal number", async () => {
    const result = await runCommand(["sh", "-c", "kill -TERM $$"]);
    expect(result.exitCode).toBe(128 + 15);
  });

  it("kills a child that outlives its timeout and rejects with timed-out", async () => {
    const startedAt = Date.now();
    const failure = await runCommand(["sleep", "10"], { timeoutMs: 100 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RunCommandError);
    expect(failure).toMatchObject({ reason: "timed-out", program: "sleep" });
    expect((failure as Error).message).toContain("100 ms");
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it("rejects with spawn-failed and keeps the system error as cause when the program does not exist", async () => {
    const failure = await runCommand(["/nonexistent/program"]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RunCommandError);
    expect(failure).toMatchObject({ reason: "spawn-failed", cause: expect.objectContaining({ code: "ENOENT" }) });
  });
});
