/**
 * The manager's services on its adapters: every feature's service, built once, with the repositories and ports it
 * uses (STYLE rule 10: a service receives only the ports it uses). createManager (manager.ts) is the one caller.
 */
import { PlatformStatsRepository } from "@director/db/platform-stats.repository";
import { PlatformUsageQuery } from "@director/db/platform-usage.query";
import { repositoriesOn, unitOfWork } from "@director/db/unit-of-work";
import type { SiteRecord as Site } from "@director/domain/site";
import { OAuth2IdentityProvider } from "./adapters/oauth2-identity-provider.js";
import { OpenIdIdentityProvider } from "./adapters/openid-identity-provider.js";
import { RedisAccountRateLimit } from "./adapters/redis-account-rate-limit.js";
import { RedisLoginFailures } from "./adapters/redis-login-failures.js";
import { SecretBox } from "./adapters/secret-box.js";
import type { ManagerConfig } from "./config.js";
import { oidcProfileMapping } from "./config-login.js";
import { AccountArchiveService } from "./features/account-archive/account-archive.service.js";
import { AuditLogService } from "./features/audit/audit-log.service.js";
import { AuthService } from "./features/auth/auth.service.js";
import type { OidcRoutesDeps } from "./features/auth/oidc.routes.js";
import { OidcLoginService } from "./features/auth/oidc-login.service.js";
import { OidcStateCookie } from "./features/auth/oidc-state-cookie.js";
import { Argon2PasswordHasher } from "./features/auth/password-hasher.js";
import { CoursesService } from "./features/courses/courses.service.js";
import { DatabaseHostsService } from "./features/database-hosts/database-hosts.service.js";
import { DomainsService } from "./features/domains/domains.service.js";
import { FilesService } from "./features/files/files.service.js";
import { ImagesService } from "./features/images/images.service.js";
import { MassMailService } from "./features/mail/mass-mail.service.js";
import { MembersService } from "./features/members/members.service.js";
import { ManagerMetrics } from "./features/metrics/manager-metrics.js";
import { OperationsAdminService } from "./features/operations/operations-admin.service.js";
import { siteSpecs } from "./features/operations/site-specs.js";
import {
  type AccountLimitRule,
  type AccountRateLimit,
  InMemoryAccountRateLimit,
} from "./features/rate-limits/account-rate-limit.js";
import { DatabaseReconcile } from "./features/reconcile/database-reconcile.js";
import { ReconcileService } from "./features/reconcile/reconcile.service.js";
import { LoginFailures } from "./features/shell/login-failures.js";
import { ShellLoginsService } from "./features/shell/shell-logins.service.js";
import { DatabaseSizeCheck } from "./features/site-databases/database-size-check.js";
import { SiteDatabaseLimitsService } from "./features/site-databases/site-database-limits.service.js";
import { SiteDatabaseTransfersService } from "./features/site-databases/site-database-transfers.service.js";
import { SiteDatabasesService } from "./features/site-databases/site-databases.service.js";
import { SiteRequestsService } from "./features/site-requests/site-requests.service.js";
import { SiteVariablesService } from "./features/site-variables/site-variables.service.js";
import { SiteAccessChanges } from "./features/sites/site-access-changes.js";
import { SitesService } from "./features/sites/sites.service.js";
import { ShellServerService } from "./features/ssh/shell-server.service.js";
import { SshKeysService } from "./features/ssh/ssh-keys.service.js";
import { PlatformOverviewService } from "./features/usage/platform-overview.service.js";
import { SiteDiskService } from "./features/usage/site-disk.service.js";
import { SiteUsageService } from "./features/usage/site-usage.service.js";
import { GraduatingClassService } from "./features/users/graduating-class.service.js";
import { UsersService } from "./features/users/users.service.js";
import type { ManagerAdapters } from "./manager-adapters.js";

/** Builds every service of the manager. */
export function createManagerServices(config: ManagerConfig, adapters: ManagerAdapters) {
  const { db, wakeup, components } = adapters;
  const reservedNames = { names: config.sites.reservedNames, patterns: config.sites.reservedPatterns };
  const repositories = repositoriesOn(db);
  const inTransaction = unitOfWork(db);
  const { windowMs } = config.accountLimits;
  // With Redis, every manager counts an account's uses together.
  const { redis } = adapters;
  const accountLimit = (options: { limit: string; what: string; rule: AccountLimitRule }): AccountRateLimit =>
    redis === null
      ? new InMemoryAccountRateLimit(options)
      : new RedisAccountRateLimit(redis, config.redis.keyPrefix, options);
  const auth = new AuthService({
    users: repositories.users,
    sessions: repositories.sessions,
    audit: repositories.audit,
    hasher: new Argon2PasswordHasher(),
    sessionTtlMs: config.sessions.ttlMs,
    guidelines: adapters.guidelines,
  });
  const images = new ImagesService({ images: repositories.images, audit: repositories.audit });
  const accessChanges = new SiteAccessChanges();
  const sites = new SitesService({
    sites: repositories.sites,
    operations: repositories.operations,
    audit: repositories.audit,
    images,
    listing: repositories.siteListing,
    wakeup,
    accessChanges,
    reservedNames,
    siteFormerNames: repositories.siteFormerNames,
    renamedRedirectDays: config.sites.renamedRedirectDays,
    inTransaction,
  });
  const specs = siteSpecs(config.sites);
  const sealer = config.secrets.key === undefined ? null : new SecretBox(config.secrets.key);
  const sshKeys = new SshKeysService({ sshKeys: repositories.sshKeys, inTransaction });
  const siteDatabases = new SiteDatabasesService({
    sites,
    databases: repositories.siteDatabases,
    hosts: repositories.databaseHosts,
    hosting: components.siteDatabaseHosting,
    audit: repositories.audit,
    sealer,
    wakeup,
    inTransaction: (work) =>
      inTransaction(({ siteDatabases, operations, audit }) => work({ databases: siteDatabases, operations, audit })),
  });
  const siteVariables = new SiteVariablesService({
    sites,
    variables: repositories.siteVariables,
    sealer,
    wakeup,
    inTransaction: (work) =>
      inTransaction(({ siteVariables, operations, audit }) => work({ variables: siteVariables, operations, audit })),
  });
  /** What a site's code runs with: its own variables, then its database's (whose names no variable may take). */
  const siteEnvironment = async (site: Site): Promise<Record<string, string>> => ({
    ...(await siteVariables.environment(site)),
    ...(await siteDatabases.environment(site)),
  });
  const defaultDatabaseSizeLimit =
    config.siteDatabases.defaultSizeLimitBytes === 0 ? null : config.siteDatabases.defaultSizeLimitBytes;
  const databaseSizeCheck = new DatabaseSizeCheck({
    databases: repositories.siteDatabases,
    hosts: repositories.databaseHosts,
    sites: repositories.sites,
    hosting: components.siteDatabaseHosting,
    audit: repositories.audit,
    sealer,
    log: adapters.log.child({ component: "database-size-check" }),
    options: {
      intervalMs: config.siteDatabases.sizeCheckIntervalMs,
      defaultLimitBytes: defaultDatabaseSizeLimit,
    },
  });
  const loginRateLimits = {
    maxPerIp: config.sessions.loginMaxPerIp,
    maxPerUsername: config.sessions.loginMaxPerUsername,
    windowMs: config.sessions.loginWindowMs,
  };
  return {
    repositories,
    accessChanges,
    inTransaction,
    specs,
    auth,
    images,
    sites,
    files: new FilesService({
      sites,
      files: components.fileStore,
      audit: repositories.audit,
      maxUploadBytes: config.files.maxUploadBytes,
    }),
    domains: new DomainsService({
      sites,
      domains: repositories.siteDomains,
      rules: {
        sitesDomain: config.sites.domain,
        publicHost: config.domains.publicHost === "" ? null : config.domains.publicHost,
        reserved: config.domains.reserved,
        blocked: config.domains.blocked,
        perSite: config.domains.perSite,
      },
      wakeup,
      checkerWakeup: adapters.domainWakeup,
      inTransaction: (work) =>
        inTransaction(({ siteDomains, operations, audit }) => work({ domains: siteDomains, operations, audit })),
    }),
    members: new MembersService({
      sites,
      members: repositories.sites,
      invitations: accountLimit({
        limit: "invitations",
        what: "invitations",
        rule: { max: config.accountLimits.inviteMaxPerAccount, windowMs },
      }),
      accessChanges,
      inTransaction,
    }),
    siteRequests: new SiteRequestsService({
      requests: repositories.siteRequests,
      users: repositories.users,
      sites: repositories.sites,
      requestLimit: accountLimit({
        limit: "site_requests",
        what: "site requests",
        rule: { max: config.accountLimits.siteRequestMaxPerAccount, windowMs },
      }),
      mailWakeup: adapters.mailWakeup,
      wakeup,
      reservedNames,
      inTransaction,
    }),
    sshKeys,
    shellLogins: new ShellLoginsService({
      auth,
      keys: sshKeys,
      failures:
        adapters.redis === null
          ? new LoginFailures(loginRateLimits)
          : new RedisLoginFailures(adapters.redis, config.redis.keyPrefix, loginRateLimits),
      audit: repositories.audit,
    }),
    shellServer: new ShellServerService({
      reports: repositories.shellServerReport,
      publicHost: config.domains.publicHost === "" ? null : config.domains.publicHost,
    }),
    users: new UsersService({ users: repositories.users, sessions: repositories.sessions, audit: repositories.audit }),
    courses: new CoursesService({
      courses: repositories.courses,
      sites,
      images,
      reservedNames,
      wakeup,
      inTransaction: (work) =>
        inTransaction(({ courses, users, sites, operations, audit }) =>
          work({ courses, users, sites, operations, audit }),
        ),
    }),
    graduatingClass: new GraduatingClassService({
      graduatingClass: repositories.graduatingClass,
      inTransaction: (work) => inTransaction(({ graduatingClass, audit }) => work({ graduatingClass, audit })),
    }),
    auditLog: new AuditLogService({ audit: repositories.audit }),
    massMail: new MassMailService({ users: repositories.users, mailer: adapters.mailer, audit: repositories.audit }),
    operationsAdmin: new OperationsAdminService({
      operations: repositories.operations,
      audit: repositories.audit,
      wakeup,
    }),
    databaseHosts: new DatabaseHostsService({
      hosts: repositories.databaseHosts,
      audit: repositories.audit,
      checker: components.databaseHostChecker,
      sealer,
    }),
    siteDatabases,
    siteVariables,
    siteEnvironment,
    databaseSizeCheck,
    siteDatabaseLimits: new SiteDatabaseLimitsService({
      sites,
      databases: repositories.siteDatabases,
      check: databaseSizeCheck,
      audit: repositories.audit,
      defaultLimitBytes: defaultDatabaseSizeLimit,
    }),
    platformOverview: new PlatformOverviewService(new PlatformUsageQuery(db)),
    usage: new SiteUsageService({
      sites,
      traffic: repositories.siteTraffic,
      resources: repositories.siteResources,
      disk: repositories.siteDisk,
    }),
    siteDisk: new SiteDiskService({
      sites,
      disk: repositories.siteDisk,
      disks: components.siteDisks,
      audit: repositories.audit,
    }),
    siteDatabaseTransfers: new SiteDatabaseTransfersService({
      sites,
      databases: siteDatabases,
      dumps: components.siteDatabaseDumps,
      audit: repositories.audit,
      maxImportBytes: config.files.maxDatabaseImportBytes,
    }),
    accountArchive: new AccountArchiveService({
      memberSites: (userId) => repositories.sites.namesForMember(userId),
      sites,
      databases: siteDatabases,
      archiver: components.sitesArchiver,
      audit: repositories.audit,
    }),
    reconcile: new ReconcileService({
      sites: repositories.sites,
      operations: repositories.operations,
      audit: repositories.audit,
      inventory: components.inventory,
      host: components.host,
      databases: new DatabaseReconcile({
        hosts: repositories.databaseHosts,
        databases: repositories.siteDatabases,
        hosting: components.siteDatabaseHosting,
        sealer,
      }),
      specs,
      formerNames: repositories.siteFormerNames,
      wakeup,
      keptCertificates: config.domains.publicHost === "" ? [] : [config.domains.publicHost],
    }),
    oidc: oidcLogin(config, { auth, repositories }),
    metrics: config.metrics.token
      ? {
          metrics: new ManagerMetrics(new PlatformStatsRepository(db), {
            stats: repositories.siteTraffic,
            siteSeries: config.metrics.siteSeries,
            alerts: repositories.usageAlerts,
            platform: new PlatformUsageQuery(db),
          }),
          token: config.metrics.token,
        }
      : null,
    loginRateLimits,
  };
}

/** The manager's services, as createManagerServices builds them. */
export type ManagerServices = ReturnType<typeof createManagerServices>;

/** Login with the institution's identity provider (OpenID Connect or plain OAuth2), when one is configured. */
function oidcLogin(
  config: ManagerConfig,
  deps: { auth: AuthService; repositories: ReturnType<typeof repositoriesOn> },
): OidcRoutesDeps | null {
  const chosen = config.oidc
    ? {
        provider: new OpenIdIdentityProvider(config.oidc),
        claims: oidcProfileMapping(config.oidc.claims),
        method: "oidc" as const,
        settings: config.oidc,
      }
    : config.oauth2
      ? {
          provider: new OAuth2IdentityProvider(config.oauth2),
          claims: config.oauth2.fields,
          method: "oauth2" as const,
          settings: config.oauth2,
        }
      : null;
  if (!chosen) return null;
  return {
    login: new OidcLoginService({
      provider: chosen.provider,
      claims: chosen.claims,
      method: chosen.method,
      users: deps.repositories.users,
      auth: deps.auth,
      audit: deps.repositories.audit,
    }),
    stateCookie: new OidcStateCookie(chosen.settings.clientSecret),
    redirectUrl: chosen.settings.redirectUrl,
  };
}
