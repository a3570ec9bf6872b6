import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/errors";
import { runUpload, type SendItem } from "./upload";
import type { UploadItem } from "./upload-plan";

const item = (path: string, sizeBytes: number): UploadItem => ({ path, sizeBytes, body: new Blob([]) });

/** A send that reports half its bytes, then finishes when released (or fails with `failures[path]`). */
function controlledSend(failures: Record<string, unknown> = {}) {
  const pending = new Map<string, () => void>();
  let running = 0;
  let mostRunning = 0;
  const send: SendItem = (sent, onProgress) =>
    new Promise<void>((resolve, reject) => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      onProgress(sent.sizeBytes / 2);
      pending.set(sent.path, () => {
        running--;
        const failure = failures[sent.path];
        if (failure) reject(failure);
        else resolve();
      });
    });
  const release = async (path: string) => {
    pending.get(path)?.();
    pending.delete(path);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { send, release, pending, mostRunning: () => mostRunning };
}

describe("runUpload", () => {
  it("sends two files at a time and reports the bytes over all files", async () => {
    const control = controlledSend();
    const progress: number[] = [];
    const done = runUpload([item("a", 100), item("b", 200), item("c", 100)], control.send, {
      onProgress: (sent, total) => progress.push(sent / total),
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([...control.pending.keys()]).toEqual(["a", "b"]);
    await control.release("a");
    expect([...control.pending.keys()]).toEqual(["b", "c"]);
    await control.release("b");
    await control.release("c");
    expect(await done).toEqual({ uploaded: ["a", "b", "c"], failed: [], isStopped: false });
    expect(control.mostRunning()).toBe(2);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y)); // never goes back
  });

  it("keeps going after a failure and keeps its code", async () => {
    const control = controlledSend({
      b: new ApiError(413, "UPLOAD_TOO_LARGE", "Too large."),
      c: new Error("offline"),
    });
    const done = runUpload([item("a", 1), item("b", 1), item("c", 1)], control.send, { concurrency: 1 });
    for (const path of ["a", "b", "c"]) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await control.release(path);
    }
    expect(await done).toEqual({
      uploaded: ["a"],
      failed: [
        { path: "b", code: "UPLOAD_TOO_LARGE", message: "Too large." },
        { path: "c", code: "UPLOAD_FAILED", message: "offline" },
      ],
      isStopped: false,
    });
  });

  it("sends nothing more once stopped", async () => {
    const control = controlledSend();
    const stop = new AbortController();
    const done = runUpload([item("a", 1), item("b", 1), item("c", 1)], control.send, {
      concurrency: 1,
      signal: stop.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    stop.abort();
    await control.release("a");
    expect(await done).toEqual({ uploaded: ["a"], failed: [], isStopped: true });
    expect([...control.pending.keys()]).toEqual([]);
  });

  it("finishes at once with nothing to send", async () => {
    expect(await runUpload([], controlledSend().send)).toEqual({ uploaded: [], failed: [], isStopped: false });
  });
});
