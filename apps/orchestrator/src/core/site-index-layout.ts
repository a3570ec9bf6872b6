import type { SiteIndexAnswer } from "./ports.js";

/**
 * The names inside the site index directory, shared by the index on disk (adapters/fs-site-index.ts) and the shared
 * server block that reads it (render-shared-site-server.ts). A marker file's name is the answer it stands for.
 */
export const siteIndexLayout = {
  namesDir: "names",
  idsDir: "ids",
  siteLink: "site",
  markers: ["disabled", "not-running"] as const satisfies readonly Exclude<SiteIndexAnswer, "files">[],
} as const;
