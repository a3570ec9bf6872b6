/**
 * What the pages read, as TanStack Query options: one cache key per resource, so that two parts of the interface
 * showing the same data share one request and one cache entry, a page opened again shows what it had at once (and
 * reads it again behind it), and a change marks stale exactly what it affects (`invalidate`).
 *
 * Keys: `["sites", query]` the lists; `["site", name, …]` one site and what its page shows of it (members, process,
 * files); `["operations", query]` and `["operation", id]`; the rest one key each.
 */
import { infiniteQueryOptions, type QueryClient, queryOptions } from "@tanstack/react-query";
import type { Api } from "./client";
import type { AuditQuery, OperationFilter, SiteView } from "./types";

export const queryKeys = {
  siteLists: ["sites"],
  site: (name: string) => ["site", name] as const,
  siteFiles: (name: string) => ["site", name, "files"] as const,
  /** one folder's listing ("" the site directory) */
  siteFolder: (name: string, path: string) => ["site", name, "files", path] as const,
  images: ["images"],
  siteRequests: ["siteRequests"],
  operationLists: ["operations"],
  operation: (id: number) => ["operation", id] as const,
  users: ["users"],
  audit: ["audit"],
  allDomains: ["allDomains"],
  guidelines: ["guidelines"],
  loginOptions: ["loginOptions"],
  sshKeys: ["sshKeys"],
  sshInfo: ["sshInfo"],
} as const;

/** The query options of every read the pages make, over `api`. */
export function queriesOf(api: Api) {
  return {
    siteList: (query: { q?: string; limit: number; offset: number }) =>
      queryOptions({
        queryKey: [...queryKeys.siteLists, query],
        queryFn: ({ signal }) => api.sites.list(query, signal),
      }),
    site: (name: string) => queryOptions({ queryKey: queryKeys.site(name), queryFn: () => api.sites.get(name) }),
    siteMembers: (name: string) =>
      queryOptions({ queryKey: [...queryKeys.site(name), "members"], queryFn: () => api.members.list(name) }),
    siteDomains: (name: string) =>
      queryOptions({ queryKey: [...queryKeys.site(name), "domains"], queryFn: () => api.domains.list(name) }),
    siteUsage: (name: string, window: "hour" | "day" | "week") =>
      queryOptions({
        queryKey: [...queryKeys.site(name), "usage", window],
        queryFn: () => api.usage.site(name, window),
      }),
    busiestSites: (window: "hour" | "day" | "week", by: "requests" | "bytes" | "errors") =>
      queryOptions({ queryKey: ["usage", "top", window, by], queryFn: () => api.usage.top({ window, by }) }),
    busiestProcesses: (window: "hour" | "day" | "week", by: "cpu" | "memory") =>
      queryOptions({
        queryKey: ["usage", "processes", window, by],
        queryFn: () => api.usage.processes({ window, by }),
      }),
    siteVariables: (name: string) =>
      queryOptions({ queryKey: [...queryKeys.site(name), "variables"], queryFn: () => api.siteVariables.list(name) }),
    siteDatabase: (name: string) =>
      queryOptions({ queryKey: [...queryKeys.site(name), "database"], queryFn: () => api.siteDatabase.get(name) }),
    siteProcess: (name: string, type: SiteView["type"]) =>
      queryOptions({
        queryKey: [...queryKeys.site(name), "process", type],
        queryFn: ({ signal }) => api.sites.process(name, signal),
      }),
    /** a folder a page at a time (sorted by name): each page starts after the previous one's `nextAfter` */
    siteFiles: (name: string, path: string) =>
      infiniteQueryOptions({
        queryKey: queryKeys.siteFolder(name, path),
        queryFn: ({ pageParam }) => api.files.list(name, path, pageParam === null ? {} : { after: pageParam }),
        initialPageParam: null as string | null,
        getNextPageParam: (page) => page.nextAfter,
      }),
    images: () => queryOptions({ queryKey: queryKeys.images, queryFn: () => api.images.list() }),
    databaseHosts: () => queryOptions({ queryKey: ["database-hosts"], queryFn: () => api.databaseHosts.list() }),
    platformOverview: (window: "hour" | "day" | "week") =>
      queryOptions({ queryKey: ["usage", "overview", window], queryFn: () => api.usage.overview(window) }),
    fullestSites: () => queryOptions({ queryKey: ["usage", "disk"], queryFn: () => api.usage.fullest() }),
    largestSiteDatabases: () =>
      queryOptions({ queryKey: ["site-databases", "largest"], queryFn: () => api.siteDatabase.largest() }),
    siteRequests: () => queryOptions({ queryKey: queryKeys.siteRequests, queryFn: () => api.siteRequests.list() }),
    operations: (query: { status: OperationFilter; limit: number; offset: number }) =>
      queryOptions({
        queryKey: [...queryKeys.operationLists, query],
        queryFn: ({ signal }) => api.operations.list(query, signal),
      }),
    operation: (id: number) =>
      queryOptions({ queryKey: queryKeys.operation(id), queryFn: () => api.operations.get(id) }),
    users: (query: { q?: string; limit: number; offset: number }) =>
      queryOptions({ queryKey: [...queryKeys.users, query], queryFn: () => api.admin.users(query) }),
    allDomains: () => queryOptions({ queryKey: queryKeys.allDomains, queryFn: () => api.domains.listAll() }),
    audit: (query: AuditQuery) =>
      queryOptions({ queryKey: [...queryKeys.audit, query], queryFn: () => api.admin.audit(query) }),
    guidelines: () => queryOptions({ queryKey: queryKeys.guidelines, queryFn: () => api.guidelines.get() }),
    loginOptions: () => queryOptions({ queryKey: queryKeys.loginOptions, queryFn: () => api.auth.options() }),
    sshKeys: () => queryOptions({ queryKey: queryKeys.sshKeys, queryFn: () => api.ssh.listKeys() }),
    /** where to connect; it changes only when the shell server restarts, so it is read once a minute at most */
    sshInfo: () => queryOptions({ queryKey: queryKeys.sshInfo, queryFn: () => api.ssh.info(), staleTime: 60_000 }),
  };
}

export type Queries = ReturnType<typeof queriesOf>;

/** Marks reads stale after a change: the open pages read them again now, the others when they open. */
export const invalidate = {
  /** the site changed (itself, its members, process or files): its page and every site list */
  site: (client: QueryClient, name: string) =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.site(name) }),
      client.invalidateQueries({ queryKey: queryKeys.siteLists }),
    ]),
  /** a site came or went: the lists */
  siteLists: (client: QueryClient) => client.invalidateQueries({ queryKey: queryKeys.siteLists }),
  siteFiles: (client: QueryClient, name: string) => client.invalidateQueries({ queryKey: queryKeys.siteFiles(name) }),
  /** one folder's listing changed (not its subfolders': each is a listing of its own) */
  siteFolder: (client: QueryClient, name: string, path: string) =>
    client.invalidateQueries({ queryKey: queryKeys.siteFolder(name, path), exact: true }),
  images: (client: QueryClient) => client.invalidateQueries({ queryKey: queryKeys.images }),
  /** a request was made or decided (an approval also creates a site) */
  siteRequests: (client: QueryClient) =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.siteRequests }),
      client.invalidateQueries({ queryKey: queryKeys.siteLists }),
    ]),
  operationLists: (client: QueryClient) => client.invalidateQueries({ queryKey: queryKeys.operationLists }),
  operation: (client: QueryClient, id: number) =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.operation(id) }),
      client.invalidateQueries({ queryKey: queryKeys.operationLists }),
    ]),
  users: (client: QueryClient) => client.invalidateQueries({ queryKey: queryKeys.users }),
};
