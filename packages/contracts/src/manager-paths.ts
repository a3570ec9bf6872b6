/**
 * Every route of the manager (its public JSON API, the live channel, the web interface), by method and path: the one
 * place a path is written. The route table (manager-routes.ts) adds callers and schemas; the web app imports this
 * file at run time, and only the types of the rest, so that no zod reaches the browser bundle.
 */

/** A route's method and path (Fastify's syntax). */
export interface RoutePath {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
}

export const managerPaths = {
  platform: {
    health: { method: "GET", path: "/health" },
    healthz: { method: "GET", path: "/healthz" },
    readyz: { method: "GET", path: "/readyz" },
    metrics: { method: "GET", path: "/metrics" },
    live: { method: "GET", path: "/ws" },
  },
  auth: {
    login: { method: "POST", path: "/api/auth/login" },
    logout: { method: "POST", path: "/api/auth/logout" },
    me: { method: "GET", path: "/api/auth/me" },
    options: { method: "GET", path: "/api/auth/options" },
    oidcStart: { method: "GET", path: "/api/auth/oidc/start" },
    oidcCallback: { method: "GET", path: "/api/auth/oidc/callback" },
  },
  guidelines: {
    get: { method: "GET", path: "/api/guidelines" },
    accept: { method: "POST", path: "/api/guidelines/accept" },
  },
  sites: {
    list: { method: "GET", path: "/api/sites" },
    create: { method: "POST", path: "/api/sites" },
    get: { method: "GET", path: "/api/sites/:name" },
    changeType: { method: "PATCH", path: "/api/sites/:name" },
    remove: { method: "DELETE", path: "/api/sites/:name" },
    restart: { method: "POST", path: "/api/sites/:name/restart" },
    rename: { method: "POST", path: "/api/sites/:name/rename" },
    setAvailability: { method: "PUT", path: "/api/sites/:name/availability" },
    setLimits: { method: "PUT", path: "/api/sites/:name/limits" },
    setImage: { method: "PUT", path: "/api/sites/:name/image" },
    setDescription: { method: "PUT", path: "/api/sites/:name/description" },
    setAdminComment: { method: "PUT", path: "/api/sites/:name/admin-comment" },
  },
  process: {
    status: { method: "GET", path: "/api/sites/:name/process" },
    logs: { method: "GET", path: "/api/sites/:name/logs" },
    followLogs: { method: "GET", path: "/api/sites/:name/logs/events" },
  },
  workspace: {
    terminal: { method: "GET", path: "/api/sites/:name/terminal" },
    fileEvents: { method: "GET", path: "/api/sites/:name/file-events" },
  },
  files: {
    listTop: { method: "GET", path: "/api/sites/:name/files" },
    read: { method: "GET", path: "/api/sites/:name/files/*" },
    write: { method: "PUT", path: "/api/sites/:name/files/*" },
    remove: { method: "DELETE", path: "/api/sites/:name/files/*" },
    change: { method: "POST", path: "/api/sites/:name/files/*" },
    zipTop: { method: "GET", path: "/api/sites/:name/zip" },
    zip: { method: "GET", path: "/api/sites/:name/zip/*" },
  },
  members: {
    list: { method: "GET", path: "/api/sites/:name/members" },
    add: { method: "POST", path: "/api/sites/:name/members" },
    remove: { method: "DELETE", path: "/api/sites/:name/members/:username" },
    transfer: { method: "POST", path: "/api/sites/:name/transfer" },
  },
  domains: {
    list: { method: "GET", path: "/api/sites/:name/domains" },
    add: { method: "POST", path: "/api/sites/:name/domains" },
    remove: { method: "DELETE", path: "/api/sites/:name/domains/:domain" },
    retry: { method: "POST", path: "/api/sites/:name/domains/:domain/retry" },
    listAll: { method: "GET", path: "/api/admin/domains" },
  },
  siteDatabase: {
    get: { method: "GET", path: "/api/sites/:name/database" },
    create: { method: "POST", path: "/api/sites/:name/database" },
    remove: { method: "DELETE", path: "/api/sites/:name/database" },
    revealPassword: { method: "POST", path: "/api/sites/:name/database/password" },
    rotatePassword: { method: "POST", path: "/api/sites/:name/database/rotation" },
    query: { method: "POST", path: "/api/sites/:name/database/query" },
    setSizeLimit: { method: "PUT", path: "/api/sites/:name/database/size-limit" },
    listLargest: { method: "GET", path: "/api/admin/site-databases" },
  },
  account: {
    archive: { method: "GET", path: "/api/account/archive" },
  },
  courses: {
    list: { method: "GET", path: "/api/courses" },
    create: { method: "POST", path: "/api/courses" },
    get: { method: "GET", path: "/api/courses/:course" },
    preview: { method: "POST", path: "/api/courses/:course/roster/preview" },
    provision: { method: "POST", path: "/api/courses/:course/roster" },
    remove: { method: "POST", path: "/api/courses/:course/removal" },
  },
  siteVariables: {
    list: { method: "GET", path: "/api/sites/:name/variables" },
    replace: { method: "PUT", path: "/api/sites/:name/variables" },
  },
  usage: {
    site: { method: "GET", path: "/api/sites/:name/usage" },
    top: { method: "GET", path: "/api/admin/usage/top" },
    processes: { method: "GET", path: "/api/admin/usage/processes" },
    fullest: { method: "GET", path: "/api/admin/usage/disk" },
    overview: { method: "GET", path: "/api/admin/usage/overview" },
    setDiskQuota: { method: "PUT", path: "/api/sites/:name/disk-quota" },
  },
  siteDatabaseTransfer: {
    export: { method: "GET", path: "/api/sites/:name/database/export" },
    import: { method: "POST", path: "/api/sites/:name/database/import" },
  },
  images: {
    list: { method: "GET", path: "/api/images" },
    create: { method: "POST", path: "/api/images" },
    update: { method: "PATCH", path: "/api/images/:name" },
    remove: { method: "DELETE", path: "/api/images/:name" },
  },
  siteRequests: {
    list: { method: "GET", path: "/api/site-requests" },
    get: { method: "GET", path: "/api/site-requests/:id" },
    create: { method: "POST", path: "/api/site-requests" },
    teacherDecision: { method: "POST", path: "/api/site-requests/:id/teacher-decision" },
    adminDecision: { method: "POST", path: "/api/site-requests/:id/admin-decision" },
  },
  operations: {
    get: { method: "GET", path: "/api/operations/:id" },
    events: { method: "GET", path: "/api/operations/:id/events" },
  },
  ssh: {
    info: { method: "GET", path: "/api/ssh" },
    listKeys: { method: "GET", path: "/api/account/ssh-keys" },
    addKey: { method: "POST", path: "/api/account/ssh-keys" },
    removeKey: { method: "DELETE", path: "/api/account/ssh-keys/:id" },
  },
  shell: {
    checkKey: { method: "POST", path: "/internal/v1/shell/key-checks" },
    login: { method: "POST", path: "/internal/v1/shell/logins" },
    logout: { method: "DELETE", path: "/internal/v1/shell/logins/current" },
    sites: { method: "GET", path: "/internal/v1/shell/sites" },
    channel: { method: "GET", path: "/internal/v1/shell/sites/:name/channel" },
    hostKeys: { method: "PUT", path: "/internal/v1/shell/host-keys" },
  },
  admin: {
    listUsers: { method: "GET", path: "/api/admin/users" },
    inviteUser: { method: "POST", path: "/api/admin/users" },
    updateUser: { method: "PATCH", path: "/api/admin/users/:username" },
    audit: { method: "GET", path: "/api/admin/audit" },
    massMail: { method: "POST", path: "/api/admin/mail" },
    listOperations: { method: "GET", path: "/api/admin/operations" },
    retryOperation: { method: "POST", path: "/api/admin/operations/:id/retry" },
    reconcile: { method: "POST", path: "/api/admin/reconcile" },
    classSummary: { method: "GET", path: "/api/admin/classes/:year" },
    disableClass: { method: "POST", path: "/api/admin/classes/:year/disable" },
  },
  databaseHosts: {
    list: { method: "GET", path: "/api/admin/database-hosts" },
    create: { method: "POST", path: "/api/admin/database-hosts" },
    update: { method: "PATCH", path: "/api/admin/database-hosts/:name" },
    remove: { method: "DELETE", path: "/api/admin/database-hosts/:name" },
  },
  docs: {
    index: { method: "GET", path: "/docs" },
    search: { method: "GET", path: "/docs/search" },
    page: { method: "GET", path: "/docs/:page" },
    image: { method: "GET", path: "/docs/images/:file" },
  },
  web: {
    home: { method: "GET", path: "/" },
    page: { method: "GET", path: "/*" },
  },
} as const satisfies Record<string, Record<string, RoutePath>>;
