/** An upload into the site in progress: its plan run (upload.ts) over the API, its progress and how it ended. */
import { useCallback, useRef, useState } from "react";
import { ApiError } from "../../api/errors";
import { useApi } from "../../hooks";
import type { PickedTree } from "./dropped-files";
import { failureOf, runUpload } from "./upload";
import { planUpload, summarizeFailures, type UploadFailure } from "./upload-plan";

export interface UploadStatus {
  isRunning: boolean;
  fileCount: number;
  sentBytes: number;
  totalBytes: number;
  /** once it ended: how many files went, the failures in a few lines, whether it was stopped */
  summary: { uploadedCount: number; failures: string[]; isStopped: boolean } | null;
}

const idle: UploadStatus = { isRunning: false, fileCount: 0, sentBytes: 0, totalBytes: 0, summary: null };

export function useUpload(siteName: string, onWritten: () => void) {
  const api = useApi();
  const [status, setStatus] = useState<UploadStatus>(idle);
  const stopper = useRef<AbortController | null>(null);

  const start = useCallback(
    async (folder: string, picked: PickedTree) => {
      if (stopper.current) return; // one upload at a time: the button is disabled meanwhile
      const plan = planUpload(folder, picked.files, picked.folders);
      const stop = new AbortController();
      stopper.current = stop;
      setStatus({ ...idle, isRunning: true, fileCount: plan.items.length, totalBytes: plan.totalBytes });
      const failures: UploadFailure[] = plan.refused.map(({ path, reason }) => ({
        path,
        code: "PATH_INVALID",
        message: reason,
      }));
      for (const path of plan.emptyFolders) {
        try {
          await api.files.makeFolder(siteName, path);
        } catch (error) {
          // a folder that is there already is what was asked for
          if (!(error instanceof ApiError && error.code === "PATH_EXISTS")) failures.push(failureOf(path, error));
        }
      }
      const report = await runUpload(
        plan.items,
        (item, onProgress, signal) =>
          api.files
            .save(siteName, item.path, item.body, { ...(item.mode ? { mode: item.mode } : {}), onProgress, signal })
            .then(() => undefined),
        {
          signal: stop.signal,
          onProgress: (sentBytes, totalBytes) => setStatus((current) => ({ ...current, sentBytes, totalBytes })),
        },
      );
      stopper.current = null;
      setStatus((current) => ({
        ...current,
        isRunning: false,
        summary: {
          uploadedCount: report.uploaded.length,
          failures: summarizeFailures([...failures, ...report.failed]),
          isStopped: report.isStopped,
        },
      }));
      onWritten();
    },
    [api, siteName, onWritten],
  );

  const stop = useCallback(() => stopper.current?.abort(), []);
  const dismiss = useCallback(() => setStatus(idle), []);
  return { status, start, stop, dismiss };
}
