/** The orchestrator's routes for a site's files, every path relative to the site directory (`public/index.html`). */
import { z } from "zod";
import { siteIdParamsSchema, siteIdSchema, sitePathSchema } from "./internal-values.js";
import { route } from "./route.js";

export const fileEntrySchema = z.object({
  name: z.string(),
  type: z.enum(["file", "directory", "symlink", "other"]),
  sizeBytes: z.number().int().min(0),
  modifiedAt: z.string(),
  mode: z.number().int(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

/**
 * One page of a directory: at most `limit` entries sorted by name (JavaScript's string order, which is byte order for
 * ASCII names), those after the query's `after`. A directory may hold more entries than one answer should carry.
 */
export const directoryListingSchema = z.object({
  path: z.string(),
  entries: z.array(fileEntrySchema),
  /** every entry of the directory when it was read, on all pages */
  totalEntries: z.number().int().min(0),
  /** the `after` of the next page; null: this page is the last */
  nextAfter: z.string().nullable(),
});
export type DirectoryListing = z.infer<typeof directoryListingSchema>;

/** Entries on one page of a directory listing unless the query asks for fewer or more. */
export const directoryPageDefaultLimit = 200;
/** The most entries one page may carry. */
export const directoryPageMaxLimit = 1000;

/**
 * A directory listing's page: `limit` entries (1 to directoryPageMaxLimit), those whose name sorts after `after` (the
 * previous page's `nextAfter`; a name, so at most 255 bytes, without `/` or NUL). Checked on every read, used for a directory.
 */
export const directoryPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(directoryPageMaxLimit).default(directoryPageDefaultLimit),
  after: z
    .string()
    .min(1)
    .refine((name) => new TextEncoder().encode(name).length <= 255, "at most 255 bytes, as a file name")
    .refine((name) => !name.includes("/") && !name.includes("\0"), "a file name: no '/' and no NUL")
    .optional(),
});
export type DirectoryPageQuery = z.infer<typeof directoryPageQuerySchema>;

export const fileWrittenSchema = z.object({
  path: z.string(),
  sizeBytes: z.number().int().min(0),
  /** the written file's modification time, as listings give it: the next save's `ifModifiedAt` */
  modifiedAt: z.string(),
});
export type FileWritten = z.infer<typeof fileWrittenSchema>;

/** The mode bits a written file gets: 644 (the default) or 755, for a script the site's process runs (run.sh). */
export const fileModeSchema = z.enum(["644", "755"]);

export const readFileRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/files",
  caller: "internal",
  params: siteIdParamsSchema,
  /** no path: the site directory itself */
  query: directoryPageQuerySchema.extend({ path: sitePathSchema.optional() }),
  /** a directory's page of entries, answered as JSON instead of bytes */
  answer: directoryListingSchema,
  answerKind: "bytes",
  summary:
    "a file's bytes (application/octet-stream, nosniff) or, for a directory, one page of its listing (JSON); at most the configured file size",
});

export const writeFileRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/files",
  caller: "internal",
  params: siteIdParamsSchema,
  query: z.object({
    path: sitePathSchema,
    mode: fileModeSchema.optional(),
    /** the version the caller replaces (a listing's modifiedAt); another one on disk, or none: 409 FILE_CHANGED */
    ifModifiedAt: z.string().max(64).optional(),
  }),
  bodyKind: "bytes",
  answer: fileWrittenSchema,
  answerKind: "json",
  summary:
    "writes the file's bytes (application/octet-stream, at most the configured size, else 413 UPLOAD_TOO_LARGE), creating its parent directories",
});

export const removeFileRoute = route({
  method: "DELETE",
  path: "/internal/v1/sites/:id/files",
  caller: "internal",
  params: siteIdParamsSchema,
  query: z.object({ path: sitePathSchema, recursive: z.enum(["true", "false"]).default("false") }),
  answerKind: "empty",
  summary:
    "removes a file, a link or an empty directory; with recursive=true a directory with everything in it (no-op when absent)",
});

/**
 * A mode change: octal permission bits (`755`, `0644`; masked to 0777: never setuid, setgid or sticky), or `+x` / `-x`
 * to add or take execute permission for everyone.
 */
export const fileModeChangeSchema = z.union([
  z.string().regex(/^[0-7]{3,4}$/, "octal permission bits such as 755, or +x / -x"),
  z.enum(["+x", "-x"]),
]);

/** A change to one entry of a site's tree: make it as a folder (with its parents), move it, change its mode. */
export const fileChangeSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("mkdir") }).strict(),
  z.object({ action: z.literal("move"), to: z.string().min(1).max(1024) }).strict(),
  z.object({ action: z.literal("chmod"), mode: fileModeChangeSchema }).strict(),
]);
export type FileChange = z.infer<typeof fileChangeSchema>;

/** What a change left: the entry's path (a move's new one) and, after a mode change, its permission bits. */
export const fileChangedSchema = z.object({ path: z.string(), mode: z.number().int().optional() });
export type FileChanged = z.infer<typeof fileChangedSchema>;

export const changeFileRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/files",
  caller: "internal",
  params: siteIdParamsSchema,
  query: z.object({ path: sitePathSchema }),
  body: fileChangeSchema,
  answer: fileChangedSchema,
  answerKind: "json",
  summary:
    "makes a folder (mkdir), moves or renames an entry (move; PATH_EXISTS when the target exists), or changes a mode (chmod)",
});

export const zipFolderRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/zip",
  caller: "internal",
  params: siteIdParamsSchema,
  /** no path: the whole site */
  query: z.object({ path: sitePathSchema.optional() }),
  answerKind: "bytes",
  summary:
    "a folder (or the whole site) as a zip, streamed (application/zip); 413 ZIP_TOO_LARGE before it starts past the limits",
});

/** A new site starting from a template: every folder and file of another site copied in (links and specials left out). */
export const copySiteFilesRoute = route({
  method: "POST",
  path: "/internal/v1/sites/:id/copy",
  caller: "internal",
  params: siteIdParamsSchema,
  body: z.object({ fromSiteId: siteIdSchema }).strict(),
  answer: z.object({ files: z.number().int(), bytes: z.number().int() }),
  answerKind: "json",
  summary:
    "copies another site's folders and files into this one, owned by this site (413 TEMPLATE_TOO_LARGE past the zip limits)",
});

/** One line of a folder watch (NDJSON): ready once all are watched, then each change or folder gone. */
export const folderEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("change"), folder: z.string() }),
  z.object({ type: z.literal("gone"), folder: z.string() }),
]);
export type FolderEventLine = z.infer<typeof folderEventSchema>;

/** The most folders one watch may name. */
export const maxWatchedFoldersPerCall = 64;

export const watchFoldersRoute = route({
  method: "GET",
  path: "/internal/v1/sites/:id/file-events",
  caller: "internal",
  params: siteIdParamsSchema,
  /** `folder` once per folder; "" is the site directory */
  query: z.object({
    folder: z
      .union([z.string(), z.array(z.string())])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .pipe(z.array(z.string().max(4096)).min(1).max(maxWatchedFoldersPerCall)),
  }),
  answer: folderEventSchema,
  answerKind: "stream",
  summary:
    "changes in the given folders of the site (not their subfolders), as NDJSON until the caller closes; links are never followed",
});
