/**
 * Reads the balancer's traffic log (@director/host/nginx-traffic-log) after a cursor the manager keeps, and rotates it
 * so it does not grow without end: the live file is renamed to its generation's name and nginx told to reopen the
 * path (SIGUSR1). A rotated file may still get lines that workers had buffered, so it is read to its end only once
 * the flush time (with room to spare) has passed since the rotation; it is removed when a caller asks from past it,
 * which means the caller has kept everything in it.
 *
 * One orchestrator reads one log; reads run one at a time. The state file (the log's id, the live generation, the
 * last rotation) is written only here, after the rename it describes, and a rename whose state was never written is
 * finished on the next read.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { TrafficCursor } from "@director/contracts/orchestrator-usage";
import { writeFileAtomic } from "@director/host/atomic-write";
import { type TrafficLogLayout, trafficLogFlushMs } from "@director/host/nginx-traffic-log";
import { Mutex } from "async-mutex";
import type { Logger } from "pino";
import { z } from "zod";
import type { TrafficLog, TrafficRead } from "../core/ports.js";
import { TrafficBuckets } from "../core/traffic-buckets.js";

export interface NginxTrafficLogOptions {
  layout: TrafficLogLayout;
  /** Tells nginx to reopen its logs; null (a test without nginx): the log is never rotated. */
  reopenLogs: (() => Promise<void>) | null;
  log: Pick<Logger, "info" | "warn">;
  /** The live file is rotated once it is this large and the reader has caught up with it. Default 16 MiB. */
  rotateBytes?: number;
  /** How long after a rotation the rotated file may still get lines. Default: nginx's flush time and 4 s more. */
  graceMs?: number;
  /**
   * The most the log's files may hold when nobody reads them (the manager's counting turned off or down): `trim()`
   * drops the oldest lines past it, uncounted. Default 256 MiB, about 4 million requests.
   */
  maxBytes?: number;
  now?: () => number;
}

const stateSchema = z.object({
  logId: z.string().regex(/^[a-z0-9]{8,64}$/),
  generation: z.number().int().min(0),
  rotatedAtMs: z.number().nullable(),
});
type LogState = z.infer<typeof stateSchema>;

const rotatedName = /^traffic\.([0-9]+)\.log$/;
/** A line longer than this is no line of ours (the longest Host nginx takes is 8 KiB by default): it is skipped. */
const seekChunkBytes = 64 * 1024;

export class NginxTrafficLog implements TrafficLog {
  readonly #options: Required<Omit<NginxTrafficLogOptions, "reopenLogs">> & Pick<NginxTrafficLogOptions, "reopenLogs">;
  readonly #reads = new Mutex();
  #state: LogState | null = null;
  /** nginx was not told to reopen after the last rotation (it was down, or the signal failed): tell it next time */
  #reopenPending = false;

  constructor(options: NginxTrafficLogOptions) {
    this.#options = {
      rotateBytes: 16 * 1024 * 1024,
      graceMs: trafficLogFlushMs + 4000,
      maxBytes: 256 * 1024 * 1024,
      now: Date.now,
      ...options,
    };
  }

  read(after: TrafficCursor | null, maxBytes: number): Promise<TrafficRead> {
    return this.#reads.runExclusive(() => this.#read(after, maxBytes));
  }

  async #read(after: TrafficCursor | null, maxBytes: number): Promise<TrafficRead> {
    const state = await this.#loadState();
    if (this.#reopenPending) await this.#reopen();
    const isOurs = after !== null && after.logId === state.logId && after.generation <= state.generation;
    let cursor: TrafficCursor = isOurs
      ? after
      : { logId: state.logId, generation: await this.#oldest(state), offset: 0 };
    await this.#removeRotatedBefore(cursor.generation);
    const buckets = new TrafficBuckets();
    let budget = maxBytes;
    let hasMore = false;
    for (;;) {
      const isLive = cursor.generation === state.generation;
      const path = isLive ? this.#options.layout.livePath : this.#options.layout.rotatedPath(cursor.generation);
      const chunk = await readLines(path, cursor.offset, budget);
      if (chunk === null) {
        // A live file nginx has not made yet (no request so far), or a rotated one someone removed: go on.
        if (isLive) break;
        cursor = { ...cursor, generation: cursor.generation + 1, offset: 0 };
        continue;
      }
      if (chunk.restarted) {
        this.#options.log.warn(
          { path, offset: cursor.offset },
          "the traffic log is shorter than the cursor; reading it from its start",
        );
      }
      buckets.addLines(chunk.text);
      cursor = { ...cursor, offset: chunk.nextOffset };
      budget -= chunk.consumed;
      if (chunk.hasMore) {
        hasMore = true;
        break;
      }
      if (isLive || !this.#isSettled(cursor.generation, state)) break;
      cursor = { ...cursor, generation: cursor.generation + 1, offset: 0 };
    }
    if (buckets.skipped > 0)
      this.#options.log.warn({ lines: buckets.skipped }, "skipped traffic log lines that are not ours");
    if (!hasMore && cursor.generation === state.generation) await this.#rotateWhenLarge(state);
    return { buckets: buckets.buckets(), next: cursor, hasMore };
  }

  /**
   * Holds the log to `maxBytes` when nobody reads it: rotates a live file past `rotateBytes` even though it was not
   * read, then removes the oldest rotated files (settled ones: nginx writes to them no more) until the rest fit. What
   * they held is never counted, and said so in the log. The orchestrator calls this every minute.
   */
  trim(): Promise<{ removedBytes: number }> {
    return this.#reads.runExclusive(async () => {
      const state = await this.#loadState();
      await this.#rotateWhenLarge(state);
      const current = await this.#loadState();
      const { layout } = this.#options;
      const sizeOf = (file: string) =>
        stat(file).then(
          (stats) => stats.size,
          () => 0,
        );
      const rotated = await this.#rotatedGenerations();
      const sizes = await Promise.all(rotated.map((generation) => sizeOf(layout.rotatedPath(generation))));
      let total = (await sizeOf(layout.livePath)) + sizes.reduce((sum, size) => sum + size, 0);
      let removedBytes = 0;
      for (const [index, generation] of rotated.entries()) {
        if (total <= this.#options.maxBytes || !this.#isSettled(generation, current)) break;
        const size = sizes[index] ?? 0;
        await rm(layout.rotatedPath(generation), { force: true });
        total -= size;
        removedBytes += size;
      }
      if (removedBytes > 0) {
        this.#options.log.warn(
          { removedBytes, maxBytes: this.#options.maxBytes },
          "dropped traffic log lines nobody counted, to keep the log under its size (is the manager's traffic counting on?)",
        );
      }
      return { removedBytes };
    });
  }

  /** A rotated generation gets no more lines once the next rotation happened or its grace has passed. */
  #isSettled(generation: number, state: LogState): boolean {
    if (generation < state.generation - 1) return true;
    return state.rotatedAtMs === null || this.#options.now() - state.rotatedAtMs >= this.#options.graceMs;
  }

  async #rotateWhenLarge(state: LogState): Promise<void> {
    if (this.#options.reopenLogs === null) return;
    const { layout } = this.#options;
    const size = await stat(layout.livePath).then(
      (stats) => stats.size,
      () => 0,
    );
    if (size < this.#options.rotateBytes) return;
    await rename(layout.livePath, layout.rotatedPath(state.generation));
    await this.#saveState({ ...state, generation: state.generation + 1, rotatedAtMs: this.#options.now() });
    this.#options.log.info({ generation: state.generation, bytes: size }, "rotated the traffic log");
    await this.#reopen();
  }

  async #reopen(): Promise<void> {
    try {
      await this.#options.reopenLogs?.();
      this.#reopenPending = false;
    } catch (error) {
      // Lines keep going to the rotated file meanwhile; its grace restarts when nginx is told.
      this.#reopenPending = true;
      this.#options.log.warn(
        { err: error },
        "could not tell nginx to reopen the traffic log; trying again on the next read",
      );
      if (this.#state !== null) await this.#saveState({ ...this.#state, rotatedAtMs: this.#options.now() });
    }
  }

  async #loadState(): Promise<LogState> {
    if (this.#state !== null) return this.#state;
    const { layout } = this.#options;
    // nginx makes the directory when it starts with the log (root's, searchable by its workers); a reader first keeps it so.
    await mkdir(layout.dir, { recursive: true, mode: 0o710 });
    const text = await readFile(layout.statePath, "utf8").catch(() => null);
    const parsed = text === null ? null : stateSchema.safeParse(parseJson(text));
    let state: LogState;
    if (parsed?.success) {
      state = parsed.data;
    } else {
      // A new log (or an unreadable state): a new id, so a cursor of the old one starts over rather than trusting it.
      if (text !== null) {
        this.#options.log.warn({ path: layout.statePath }, "the traffic log's state is unreadable; starting a new log");
      }
      const last = (await this.#rotatedGenerations()).at(-1) ?? -1;
      state = { logId: randomBytes(8).toString("hex"), generation: last + 1, rotatedAtMs: null };
    }
    // A rename whose state was never written: finish it.
    if (await exists(layout.rotatedPath(state.generation))) {
      state = { ...state, generation: state.generation + 1, rotatedAtMs: this.#options.now() };
      this.#reopenPending = true;
    }
    await this.#saveState(state);
    return state;
  }

  async #saveState(state: LogState): Promise<void> {
    await writeFileAtomic(this.#options.layout.statePath, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    this.#state = state;
  }

  /** The oldest generation whose lines are still here. */
  async #oldest(state: LogState): Promise<number> {
    return (await this.#rotatedGenerations())[0] ?? state.generation;
  }

  async #rotatedGenerations(): Promise<number[]> {
    const names = await readdir(this.#options.layout.dir).catch(() => [] as string[]);
    return names
      .map((name) => rotatedName.exec(name)?.[1])
      .filter((generation): generation is string => generation !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  async #removeRotatedBefore(generation: number): Promise<void> {
    for (const old of await this.#rotatedGenerations()) {
      if (old >= generation) break;
      const path = this.#options.layout.rotatedPath(old);
      await rm(path, { force: true });
      this.#options.log.info({ file: basename(path) }, "removed a traffic log file that was counted");
    }
  }
}

interface LinesRead {
  /** complete lines, each ending with "\n" */
  text: string;
  /** bytes taken (lines, and a skipped over-long line) */
  consumed: number;
  nextOffset: number;
  /** more complete lines follow than `maxBytes` allowed */
  hasMore: boolean;
  /** the file was shorter than the offset (replaced by someone), so it was read from its start */
  restarted: boolean;
}

/** The complete lines of `path` from `offset`, at most `maxBytes`; null when the file does not exist. */
async function readLines(path: string, offset: number, maxBytes: number): Promise<LinesRead | null> {
  const file = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (file === null) return null;
  try {
    const { size } = await file.stat();
    const restarted = offset > size;
    const from = restarted ? 0 : offset;
    const length = Math.min(size - from, maxBytes);
    if (length <= 0) return { text: "", consumed: 0, nextOffset: from, hasMore: false, restarted };
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, from);
    const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
    if (end > 0) {
      return {
        // nginx escapes every byte outside printable ASCII, so each byte is one character
        text: buffer.subarray(0, end).toString("latin1"),
        consumed: end,
        nextOffset: from + end,
        hasMore: size - (from + end) > 0 && bytesRead === maxBytes,
        restarted,
      };
    }
    if (bytesRead < maxBytes) return { text: "", consumed: 0, nextOffset: from, hasMore: false, restarted };
    // One line longer than a whole read: no line of ours. Skip past its end, if it has one yet.
    const lineEnd = await findNewline(file, from + bytesRead, size);
    if (lineEnd === null) return { text: "", consumed: 0, nextOffset: from, hasMore: false, restarted };
    return { text: "", consumed: bytesRead, nextOffset: lineEnd + 1, hasMore: true, restarted };
  } finally {
    await file.close();
  }
}

async function findNewline(file: Awaited<ReturnType<typeof open>>, from: number, size: number): Promise<number | null> {
  const buffer = Buffer.alloc(seekChunkBytes);
  for (let position = from; position < size; position += seekChunkBytes) {
    const { bytesRead } = await file.read(buffer, 0, seekChunkBytes, position);
    const index = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (index >= 0) return position + index;
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
