import type { SiteDatabaseEngineFactory } from "../core/site-database-engine.js";
import { MariadbSiteDatabases } from "./mariadb-site-databases.js";
import { PostgresSiteDatabases } from "./postgres-site-databases.js";

/** The engine of each kind of database host: PostgreSQL, or MariaDB/MySQL. */
export const createSiteDatabaseEngine: SiteDatabaseEngineFactory = (kind, options) =>
  kind === "postgres" ? new PostgresSiteDatabases(options) : new MariadbSiteDatabases(options);
