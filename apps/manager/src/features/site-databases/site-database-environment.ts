import type { TerminalOpenRequest } from "@director/contracts/orchestrator-terminals";
import type { SiteRecord as Site } from "@director/domain/site";
import type { DatabasePassword, SiteDatabaseKind, SiteDatabaseName } from "@director/domain/site-database";
import type { TerminalShells } from "../workspace/terminal-socket-route.js";

/** How a site's code reaches its database: the address sites use, and the site's own user. */
export interface SiteDatabaseConnection {
  kind: SiteDatabaseKind;
  host: string;
  port: number;
  name: SiteDatabaseName;
  password: DatabasePassword;
}

const urlSchemes = { postgres: "postgres", mysql: "mysql" } as const;

/**
 * The URL libraries take (`postgres://…`, `mysql://…`), with the password when it is given. Names and passwords are
 * generated URL-safe, so nothing needs escaping; an IPv6 address goes in brackets.
 */
export function siteDatabaseUrl(
  connection: Omit<SiteDatabaseConnection, "password"> & { password?: DatabasePassword },
): string {
  const host = connection.host.includes(":") ? `[${connection.host}]` : connection.host;
  const secret = connection.password === undefined ? "" : `:${connection.password}`;
  return `${urlSchemes[connection.kind]}://${connection.name}${secret}@${host}:${connection.port}/${connection.name}`;
}

/** The variables a site's code gets from its database, in the order they are listed to members. */
export const siteDatabaseVariableNames = [
  "DATABASE_URL",
  "DIRECTOR_DATABASE_URL",
  "DIRECTOR_DATABASE_TYPE",
  "DIRECTOR_DATABASE_HOST",
  "DIRECTOR_DATABASE_PORT",
  "DIRECTOR_DATABASE_NAME",
  "DIRECTOR_DATABASE_USERNAME",
  "DIRECTOR_DATABASE_PASSWORD",
] as const;

/**
 * The variables a site's process, terminals and SSH sessions get: `DATABASE_URL` (what most frameworks read) and the
 * same split into `DIRECTOR_DATABASE_*` for code that wants the parts.
 */
export function siteDatabaseEnvironment(
  connection: SiteDatabaseConnection,
): Record<(typeof siteDatabaseVariableNames)[number], string> {
  const url = siteDatabaseUrl(connection);
  return {
    DATABASE_URL: url,
    DIRECTOR_DATABASE_URL: url,
    DIRECTOR_DATABASE_TYPE: connection.kind,
    DIRECTOR_DATABASE_HOST: connection.host,
    DIRECTOR_DATABASE_PORT: String(connection.port),
    DIRECTOR_DATABASE_NAME: connection.name,
    DIRECTOR_DATABASE_USERNAME: connection.name,
    DIRECTOR_DATABASE_PASSWORD: connection.password,
  };
}

/** The environment a site's code runs with (its database's variables, or none). */
export type SiteEnvironment = (site: Site) => Promise<Record<string, string>>;

/** Terminals and SSH sessions opened with the site's environment, as its process has it. */
export function withSiteEnvironment(shells: TerminalShells, environment: SiteEnvironment): TerminalShells {
  return {
    open: async (site, request: TerminalOpenRequest) => {
      const env = { ...(request.service.env ?? {}), ...(await environment(site)) };
      return shells.open(site, { ...request, service: { ...request.service, env } });
    },
  };
}
