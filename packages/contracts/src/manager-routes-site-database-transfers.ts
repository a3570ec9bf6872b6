/**
 * Exporting and importing a site's database (issue 14), members only: the export is a download of a dump made as the
 * site's user (PostgreSQL: pg_dump's custom format, `.dump`; MariaDB: SQL, `.sql`); the import takes such a file as
 * the request's raw body (`curl -T site.dump URL`, any content type), up to the configured limit, and runs it as the
 * site's user. Direct requests, not operations: the import answers when it is done.
 */
import { siteParamsSchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { siteDatabaseImportAnswerSchema } from "./orchestrator-database-transfers.js";
import { route } from "./route.js";

const paths = managerPaths.siteDatabaseTransfer;

export const siteDatabaseTransferRoutes = {
  export: route({
    ...paths.export,
    caller: "person",
    summary:
      "download a dump of the site's database (members): PostgreSQL custom format (.dump, for pg_restore) or MariaDB SQL (.sql)",
    params: siteParamsSchema,
    answerKind: "bytes",
  }),
  import: route({
    ...paths.import,
    caller: "person",
    summary:
      "restore a dump (the raw body) into the site's database as its user (members); 413 DATABASE_IMPORT_TOO_LARGE, 422 DATABASE_IMPORT_FAILED in the engine's words",
    params: siteParamsSchema,
    bodyKind: "stream",
    answer: siteDatabaseImportAnswerSchema,
    answerKind: "json",
  }),
};
