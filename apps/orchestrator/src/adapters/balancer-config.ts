import { readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { writeFileAtomic } from "@director/host/atomic-write";
import type { ConfigFiles } from "@director/host/config-files";
import { type NginxConfigFileName, parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { openFileCacheValidMs } from "@director/host/nginx-main-config";
import type {
  BalancerConfig,
  BalancerConfigFiles,
  CertificateInspector,
  SiteDirectories,
  SiteIndex,
  SiteIndexEntry,
} from "../core/ports.js";
import { renderSharedSiteServer, type SiteRedirect, type SitesCertificate } from "../core/render-shared-site-server.js";
import { renderSiteHttpsServers } from "../core/render-site-https.js";
import { renderRunningSiteServerBlock } from "../core/render-site-server-block.js";

/** The file holding a running dynamic site's own server block; named by id so that a rename changes its content only. */
export function siteConfigFileName(id: SiteId): NginxConfigFileName {
  return parseNginxConfigFileName(`site-${id}.conf`);
}

/** The file holding the server block shared by every other site; "00-" sorts it first. */
export const sharedServerFileName = parseNginxConfigFileName("00-sites.conf");

/** Where the redirects of renamed sites are kept, in the index directory (root's). */
const redirectsFileName = "redirects.json";

async function readRedirects(file: string): Promise<SiteRedirect[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const parsed = JSON.parse(text) as Array<{ from: unknown; to: unknown }>;
  return parsed.map((redirect) => ({ from: parseSiteName(redirect.from), to: parseSiteName(redirect.to) }));
}

/** What every site's serving shares. */
export interface BalancerEnv {
  /** nginx listen address of every site server block */
  listen: string;
  sitesDomain: string;
  /** used when a spec has no clientBodyLimitBytes, and by the shared server block */
  defaultClientBodyLimitBytes: number;
  /** the site index directory the shared server block reads (FsSiteIndex's) */
  indexDir: string;
  /** the router's ACME HTTP-01 directory, answered for every host; null or absent: not served */
  acmeChallengesRoot?: string | null;
  /** HTTPS for sites' own domains with a certificate (looked at by `certificates`); null or absent: none */
  tls?: {
    listen: string;
    certificatesDir: string;
    certificates: CertificateInspector;
    /** Strict-Transport-Security max-age of every HTTPS server; 0 or absent: none */
    hstsMaxAgeSeconds?: number;
    /** the sites domain's wildcard certificate files; null or absent: `<name>.<sites domain>` over HTTP only */
    sitesCertificate?: { certificatePath: string; keyPath: string } | null;
  } | null;
}

/** The site id in a site's file name, or null for any other file (the shared server, the edge's default server). */
export function siteIdOfConfigFileName(name: string): SiteId | null {
  const id = /^site-([1-9][0-9]{0,14})\.conf$/.exec(name)?.[1];
  return id === undefined ? null : parseSiteId(id);
}

/**
 * The balancer's sites as nginx sees them (DESIGN rule 6: a change to one site costs O(1), whatever the number of
 * sites). Static sites, disabled sites and dynamic sites without a running task are answered by one shared server
 * block from the site index, so their changes are a link or a marker file and no reload. A running dynamic site
 * gets its own server block file (its upstream is the task's address), checked alone and reloaded; reloads asked
 * for together are shared.
 */
export class NginxBalancerConfig implements BalancerConfig, BalancerConfigFiles {
  readonly #files: ConfigFiles;
  readonly #index: SiteIndex;
  readonly #directories: Pick<SiteDirectories, "pathOf">;
  readonly #env: BalancerEnv;
  readonly #fileCacheValidMs: number;
  #redirects: SiteRedirect[] = [];

  /**
   * `fileCacheValidMs`: how long nginx may serve a file from its cache after the link to it is gone (the main
   * config's open_file_cache_valid); a change that stops serving a site's files waits it out, so that when the
   * change resolves, it is what the public sees.
   */
  constructor(deps: {
    files: ConfigFiles;
    index: SiteIndex;
    directories: Pick<SiteDirectories, "pathOf">;
    env: BalancerEnv;
    fileCacheValidMs?: number;
  }) {
    this.#files = deps.files;
    this.#index = deps.index;
    this.#directories = deps.directories;
    this.#env = deps.env;
    this.#fileCacheValidMs = deps.fileCacheValidMs ?? openFileCacheValidMs + 50;
  }

  /**
   * Creates the index and installs the shared server block (a no-op when it is already current). A configured sites
   * certificate that cannot be used stops it (CONFIG_INVALID): running dynamic sites' blocks rely on it.
   */
  async prepare(): Promise<void> {
    await this.#index.prepare();
    this.#redirects = await readRedirects(this.#redirectsFile());
    const sitesCertificate = await this.#sitesCertificate();
    if (sitesCertificate === undefined) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `The sites domain's certificate (${this.#env.tls?.sitesCertificate?.certificatePath}) cannot be read, does not parse, or is not its key's; fix DIRECTOR_SITES_CERTIFICATE_FILE and _KEY_FILE.`,
      );
    }
    await this.#putSharedServer(sitesCertificate);
  }

  /**
   * Looks at the sites domain's certificate again: a replaced file is installed (checked, reloaded); one that cannot be
   * used now leaves the one in place serving (false).
   */
  async refreshSitesCertificate(): Promise<boolean> {
    const sitesCertificate = await this.#sitesCertificate();
    if (sitesCertificate === undefined) return false;
    await this.#putSharedServer(sitesCertificate);
    return true;
  }

  /** null: none configured; undefined: configured and unusable. */
  async #sitesCertificate(): Promise<SitesCertificate | null | undefined> {
    const tls = this.#env.tls;
    const files = tls?.sitesCertificate ?? null;
    if (tls == null || files === null) return null;
    const inspected = await tls.certificates.inspectFiles(files.certificatePath, files.keyPath);
    return inspected === null ? undefined : { ...files, fingerprint: inspected.fingerprint };
  }

  /**
   * The old names of renamed sites, each redirected to its new one (the whole set, as the manager keeps it): kept in
   * the index directory, so that a restart serves them again, and rendered into the shared server (checked, reloaded).
   */
  async setRedirects(redirects: readonly SiteRedirect[]): Promise<void> {
    const sorted = [...redirects]
      .map((redirect) => ({ from: parseSiteName(redirect.from), to: parseSiteName(redirect.to) }))
      .sort((a, b) => a.from.localeCompare(b.from));
    const sitesCertificate = await this.#sitesCertificate();
    this.#redirects = sorted;
    await writeFileAtomic(this.#redirectsFile(), `${JSON.stringify(sorted)}\n`, { mode: 0o644 });
    // an unusable certificate now: the shared server goes on without it, as a refresh would leave it
    await this.#putSharedServer(sitesCertificate ?? null);
  }

  #redirectsFile(): string {
    return path.join(this.#env.indexDir, redirectsFileName);
  }

  async #putSharedServer(sitesCertificate: SitesCertificate | null): Promise<void> {
    const { listen, sitesDomain, indexDir, defaultClientBodyLimitBytes, acmeChallengesRoot, tls } = this.#env;
    await this.#files.put(
      sharedServerFileName,
      renderSharedSiteServer({
        listen,
        sitesDomain,
        indexDir,
        clientBodyLimitBytes: defaultClientBodyLimitBytes,
        acmeChallengesRoot: acmeChallengesRoot ?? null,
        tlsListen: tls?.listen ?? null,
        sitesCertificate,
        redirects: this.#redirects,
      }),
    );
  }

  async upsert(spec: BalancerSiteSpec): Promise<void> {
    const ownBlock = this.#renderOwnBlock(spec, await this.#usableCertificates(spec));
    if (ownBlock !== null) {
      // Its own block answers from the moment the reload ends; the index entry (a "not running" page) stays below it.
      await this.#files.put(siteConfigFileName(spec.id), ownBlock);
      await this.#waitOutFileCache(await this.#index.put(this.#entryOf(spec)));
    } else {
      // The index answers first; the own block (a task that just stopped, a type change) goes after.
      const change = await this.#index.put(this.#entryOf(spec));
      await this.#files.remove(siteConfigFileName(spec.id));
      await this.#waitOutFileCache(change);
    }
  }

  /** What `upsert(spec)` makes of the site, as text (the reconciler compares it with `read`). */
  async render(spec: BalancerSiteSpec): Promise<string> {
    return describe(
      { ...this.#entryOf(spec), isNameLinked: true, unlinkedDomains: [] },
      this.#renderOwnBlock(spec, await this.#usableCertificates(spec)),
    );
  }

  /** The site as it is now (its index entry and its own block), as text, or null when it has neither. */
  async read(id: SiteId): Promise<string | null> {
    const [entry, ownBlock] = [await this.#index.read(id), await this.#files.read(siteConfigFileName(id))];
    return entry === null && ownBlock === null ? null : describe(entry, ownBlock);
  }

  async listSiteIds(): Promise<SiteId[]> {
    const fromFiles = (await this.#files.list()).map(siteIdOfConfigFileName).filter((id): id is SiteId => id !== null);
    const ids = new Set([...fromFiles, ...(await this.#index.listSiteIds())]);
    return [...ids].sort((a, b) => a - b);
  }

  async remove(id: SiteId): Promise<void> {
    await this.#files.remove(siteConfigFileName(id));
    await this.#waitOutFileCache(await this.#index.remove(id));
  }

  async #waitOutFileCache({ stoppedServingFiles }: { stoppedServingFiles: boolean }): Promise<void> {
    if (stoppedServingFiles && this.#fileCacheValidMs > 0) await sleep(this.#fileCacheValidMs);
  }

  #entryOf(spec: BalancerSiteSpec): SiteIndexEntry {
    const base = { id: spec.id, name: spec.name, siteDirectory: null, domains: spec.domains ?? [] };
    if (spec.availability !== "enabled") return { ...base, answer: "disabled" };
    if (spec.type === "dynamic") return { ...base, answer: "not-running" };
    return { ...base, answer: "files", siteDirectory: this.#directories.pathOf(spec.id) };
  }

  /**
   * The fingerprint of each HTTPS domain's certificate that nginx can load. A domain whose files are missing or broken
   * is served over HTTP instead: one bad certificate must not fail the site's file (nginx -t), let alone others.
   */
  async #usableCertificates(spec: BalancerSiteSpec): Promise<Map<string, string>> {
    const usable = new Map<string, string>();
    const tls = this.#env.tls;
    if (tls == null) return usable;
    const domains = spec.domains ?? [];
    for (const domain of spec.httpsDomains ?? []) {
      if (!domains.includes(domain)) continue;
      const certificate = await tls.certificates.inspect(domain);
      if (certificate !== null) usable.set(domain, certificate.fingerprint);
    }
    return usable;
  }

  /**
   * A site gets its own block when it is an enabled dynamic site with a running task, or when some of its own domains
   * have a usable certificate (their HTTPS servers); every other site has none.
   */
  #renderOwnBlock(spec: BalancerSiteSpec, certificates: ReadonlyMap<string, string>): string | null {
    const { listen, sitesDomain, defaultClientBodyLimitBytes, indexDir, tls } = this.#env;
    const challengesRoot = this.#env.acmeChallengesRoot ?? null;
    const domains = spec.domains ?? [];
    // Without HTTPS configured, a certificate is never named: every domain is served over HTTP.
    const httpsDomains = [...certificates].map(([domain, fingerprint]) => ({ domain, fingerprint }));
    const clientBodyLimitBytes = spec.clientBodyLimitBytes ?? defaultClientBodyLimitBytes;
    const isRunning = spec.type === "dynamic" && spec.availability === "enabled" && spec.upstream != null;
    if (!isRunning && httpsDomains.length === 0) return null;
    const https =
      tls == null
        ? []
        : renderSiteHttpsServers(
            {
              id: spec.id,
              name: spec.name,
              httpsDomains,
              clientBodyLimitBytes,
              proxiedToPort: isRunning ? (spec.upstream?.port ?? null) : null,
            },
            {
              listen,
              tlsListen: tls.listen,
              certificatesDir: tls.certificatesDir,
              challengesRoot,
              indexDir,
              hstsMaxAgeSeconds: tls.hstsMaxAgeSeconds ?? 0,
            },
          );
    if (!isRunning || spec.upstream == null) {
      return [
        `# Site ${spec.id} (${spec.name}): its own domains over HTTPS, written by the Director orchestrator.`,
        ...https,
        "",
      ].join("\n");
    }
    const running = renderRunningSiteServerBlock(
      {
        ...spec,
        upstream: spec.upstream,
        // A domain with a certificate is answered by the HTTPS servers (and sent there from HTTP) instead.
        domains: domains.filter((domain) => !certificates.has(domain)),
        clientBodyLimitBytes,
      },
      {
        listen,
        sitesDomain,
        challengesRoot,
        sitesTlsListen: tls?.sitesCertificate == null ? null : tls.listen,
      },
    );
    return https.length === 0 ? running : `${running}${https.join("\n")}\n`;
  }
}

/** One text for a site's index entry and own block, as the reconciler compares them. */
function describe(
  entry: (SiteIndexEntry & { isNameLinked: boolean; unlinkedDomains: readonly string[] }) | null,
  ownBlock: string | null,
): string {
  const domains = entry?.domains ?? [];
  const index =
    entry === null
      ? "# site index: no entry"
      : `# site index: ${entry.name} answers ${entry.answer}` +
        (entry.siteDirectory === null ? "" : ` from ${entry.siteDirectory}`) +
        (entry.isNameLinked ? "" : ` (but ${entry.name} does not lead to it)`) +
        (domains.length === 0 ? "" : `\n# site index: also at ${domains.join(", ")}`) +
        (entry.unlinkedDomains.length === 0 ? "" : ` (but ${entry.unlinkedDomains.join(", ")} do not lead to it)`);
  return `${index}\n${ownBlock ?? "# no server block of its own\n"}`;
}
