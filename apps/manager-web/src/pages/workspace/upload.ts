/**
 * Runs an upload plan: a couple of files at a time (enough to keep the line busy without crowding out the editor's
 * saves), the bytes sent over all files reported as they go, every failure kept with its error code.
 */
import { ApiError } from "../../api/errors";
import type { UploadFailure, UploadItem } from "./upload-plan";

/** Sends one file; `onProgress` is told the bytes of it sent so far. */
export type SendItem = (
  item: UploadItem,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
) => Promise<void>;

export interface UploadReport {
  uploaded: string[];
  failed: UploadFailure[];
  /** the person stopped it: the files not yet sent are neither uploaded nor failed */
  isStopped: boolean;
}

export interface UploadOptions {
  /** files sent at the same time */
  concurrency?: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** A failure's code and message: the API's, or one of ours for anything else. */
export function failureOf(path: string, error: unknown): UploadFailure {
  if (error instanceof ApiError) return { path, code: error.code, message: error.message };
  return { path, code: "UPLOAD_FAILED", message: error instanceof Error ? error.message : String(error) };
}

/** Uploads `items` with `send`; resolves with what went and what did not. */
export async function runUpload(
  items: readonly UploadItem[],
  send: SendItem,
  options: UploadOptions = {},
): Promise<UploadReport> {
  const { concurrency = 2, onProgress, signal = new AbortController().signal } = options;
  const totalBytes = items.reduce((sum, item) => sum + item.sizeBytes, 0);
  const sentByItem = new Array<number>(items.length).fill(0);
  let sentBytes = 0;
  const report = (index: number, sent: number) => {
    sentBytes += sent - (sentByItem[index] ?? 0);
    sentByItem[index] = sent;
    onProgress?.(sentBytes, totalBytes);
  };
  const uploaded: string[] = [];
  const failed: UploadFailure[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const index = next++;
      const item = items[index] as UploadItem;
      try {
        await send(item, (sent) => report(index, Math.min(sent, item.sizeBytes)), signal);
        report(index, item.sizeBytes);
        uploaded.push(item.path);
      } catch (error) {
        if (signal.aborted) break;
        failed.push(failureOf(item.path, error));
        report(index, item.sizeBytes); // counted as done, so the bar still reaches its end
      }
    }
  };
  onProgress?.(0, totalBytes);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { uploaded, failed, isStopped: signal.aborted };
}
