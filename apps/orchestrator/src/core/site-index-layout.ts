import type { SiteIndexAnswer } from "./ports.js";

/**
 * The names inside the site index directory, shared by the index on disk (adapters/fs-site-index.ts) and the shared
 * server block that reads it (render-shared-site-server.ts). A marker file's name is the answer it stands for.
 */
export const siteIndexLayout = {
  namesDir: "names",
  /** a site's own domains: `<domainsDir>/<domain>` leads to its entry as its name does */
  domainsDir: "domains",
  /** in an entry: the domains that lead to it, one per line (so a change or a removal finds the old links) */
  domainsFile: "domains",
  idsDir: "ids",
  siteLink: "site",
  markers: ["disabled", "not-running"] as const satisfies readonly Exclude<SiteIndexAnswer, "files">[],
} as const;
