import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  isProcessAlive,
  listChildPids,
  readProcessCommandLine,
  signalProcess,
  waitForProcessesExit,
} from "./linux-processes.js";

describe("linux-processes", () => {
  it("sees a child process, its command line, and its exit", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    const pid = child.pid ?? 0;
    try {
      expect(await isProcessAlive(pid)).toBe(true);
      expect(await listChildPids(process.pid)).toContain(pid);
      expect(await readProcessCommandLine(pid)).toBe("sleep 30");
      expect(await waitForProcessesExit([pid], 50)).toBe(false);
    } finally {
      expect(signalProcess(pid, "SIGTERM")).toBe(true);
    }
    expect(await waitForProcessesExit([pid], 5_000)).toBe(true);
    expect(await isProcessAlive(pid)).toBe(false);
    expect(await readProcessCommandLine(pid)).toBeNull();
    expect(signalProcess(pid, "SIGTERM")).toBe(false);
  });
});
