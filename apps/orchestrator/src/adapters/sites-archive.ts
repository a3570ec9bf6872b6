/**
 * Several sites in one zip, streamed: each site's files under `<site>/files/` (planned and read exactly as a zip
 * download plans and reads them, site-zip.ts: by descriptor, never following a link) and its database's dump as
 * `<site>/database.dump` (PostgreSQL's custom format) or `<site>/database.sql` (MariaDB), made as the site's own
 * user when the zip reaches it. Every site is planned before the first byte, so a site past the limits is refused
 * (ZIP_TOO_LARGE) as an ordinary answer; one file or one dump is open at a time.
 */
import { Readable } from "node:stream";
import type { SiteId } from "@director/domain/site";
import type { DatabasePassword, SiteDatabaseKind } from "@director/domain/site-database";
import type { SiteName } from "@director/domain/site-name";
import yazl from "yazl";
import type { ZipLimits } from "../core/ports.js";
import type { DatabaseHostAccess } from "../core/site-databases.js";
import { isCompressible, openPlanned, planZip } from "./site-zip.js";

export interface ArchivedSite {
  id: SiteId;
  name: SiteName;
  database: { host: DatabaseHostAccess; password: DatabasePassword } | null;
}

export interface SitesArchiveDeps {
  pathOf(id: SiteId): string;
  /** the site's database as a dump stream (SiteDatabaseTransfers.export) */
  dump(host: DatabaseHostAccess, id: SiteId, password: DatabasePassword, signal: AbortSignal): Promise<Readable>;
  limits: ZipLimits;
}

const dumpExtensions: Record<SiteDatabaseKind, string> = { postgres: "dump", mysql: "sql" };

export async function archiveSites(
  sites: readonly ArchivedSite[],
  deps: SitesArchiveDeps,
  signal: AbortSignal,
): Promise<Readable> {
  const plans = [];
  for (const site of sites) plans.push({ site, plan: await planZip(deps.pathOf(site.id), [], deps.limits) });
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(readme(sites)), "README.txt", { mtime: new Date() });
  for (const { site, plan } of plans) {
    const root = deps.pathOf(site.id);
    zip.addEmptyDirectory(`${site.name}/files`);
    for (const segments of plan.folders) zip.addEmptyDirectory(`${site.name}/files/${segments.join("/")}`);
    for (const file of plan.files) {
      zip.addReadStreamLazy(
        `${site.name}/files/${file.segments.join("/")}`,
        { mtime: file.mtime, mode: file.mode, compress: isCompressible(file.segments.at(-1) ?? "") },
        (callback) => {
          openPlanned(root, file.segments, file.size).then(
            (stream) => callback(null, stream),
            (error: unknown) => callback(error as Error, Readable.from([])),
          );
        },
      );
    }
    const database = site.database;
    if (database !== null) {
      // A dump that cannot start (the host is down) cuts the download: the reader sees a broken zip, never a
      // complete-looking one without the database.
      zip.addReadStreamLazy(
        `${site.name}/database.${dumpExtensions[database.host.kind]}`,
        { mtime: new Date(), compress: true },
        (callback) => {
          deps.dump(database.host, site.id, database.password, signal).then(
            (stream) => callback(null, stream),
            (error: unknown) => callback(error as Error, Readable.from([])),
          );
        },
      );
    }
  }
  zip.end();
  return zip.outputStream as Readable;
}

function readme(sites: readonly ArchivedSite[]): string {
  const lines = [
    "Your sites, as Director held them when this archive was made.",
    "",
    "Each site has a folder:",
    "  <site>/files/          the site's files (its public/ folder is what visitors saw)",
    "  <site>/database.dump   its PostgreSQL database: restore it with pg_restore --no-owner -d <database> database.dump",
    "  <site>/database.sql    its MariaDB database: restore it with mariadb <database> < database.sql",
    "",
    "Symbolic links and special files are left out.",
    "",
    "Sites in this archive:",
    ...sites.map((site) => `  ${site.name}${site.database ? ` (with its ${site.database.host.kind} database)` : ""}`),
    "",
  ];
  return lines.join("\n");
}
