import { Readable } from "node:stream";
import { orchestratorApi } from "@director/contracts/orchestrator-api";
import type { ArchiveSitesRequest } from "@director/contracts/orchestrator-archive";
import type { SiteDatabaseImportAnswer } from "@director/contracts/orchestrator-database-transfers";
import { type DatabaseHost, databaseHostSizesMaxSites } from "@director/contracts/orchestrator-databases";
import type { DirectoryPageQuery, FileChange, FileChanged } from "@director/contracts/orchestrator-files";
import type { OrchestratorInventory } from "@director/contracts/orchestrator-inventory";
import type { SiteImageResult, SiteLogs, SiteServiceStatus } from "@director/contracts/orchestrator-services";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { TerminalOpenRequest } from "@director/contracts/orchestrator-terminals";
import type { TrafficCursor } from "@director/contracts/orchestrator-usage";
import type { SiteId } from "@director/domain/site";
import type { DatabasePassword } from "@director/domain/site-database";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import type { InternalClient } from "@director/http-kit/internal-client";
import type { WebSocket } from "ws";
import type { FileWriteOptions, SiteFileStore } from "../features/files/site-file-store.js";
import type { SiteHost } from "../features/operations/site-host.js";
import type { HostInventory } from "../features/reconcile/host-inventory.js";

/** How long an image build may take before the call counts as failed (a big package set on a slow mirror). */
const imageBuildTimeoutMs = 20 * 60_000;
const runScriptPath = parseSitePath("run.sh");
/** How long an import (its upload and its restore) may take before the call counts as failed. */
const importTimeoutMs = 60 * 60_000;

/** The orchestrator's internal API as the manager uses it: site directories, balancer config and files. */
export class OrchestratorClient
  implements
    Omit<SiteHost, "upsertRoute" | "removeRoute" | "issueCertificate" | "removeCertificate">,
    SiteFileStore,
    Pick<HostInventory, "orchestratorInventory">
{
  readonly #client: InternalClient;

  constructor(client: InternalClient) {
    this.#client = client;
  }

  async ensureDirectories(siteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.ensureSiteDirectories, { params: { id: siteId } });
  }

  async removeDirectories(siteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.removeSiteDirectories, { params: { id: siteId } });
  }

  async upsertBalancer({ id, ...spec }: BalancerSiteSpec): Promise<void> {
    await this.#client.request(orchestratorApi.upsertBalancer, { params: { id }, body: spec });
  }

  async removeBalancer(siteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.removeBalancer, { params: { id: siteId } });
  }

  async upsertService({ id, ...request }: Parameters<SiteHost["upsertService"]>[0]): Promise<void> {
    await this.#client.request(orchestratorApi.upsertService, { params: { id }, body: request });
  }

  /** Builds (or reuses) the site's image; as slow as the build, hence its own time limit. */
  async buildSiteImage({ id, ...request }: Parameters<SiteHost["buildSiteImage"]>[0]): Promise<SiteImageResult> {
    return this.#client.request(orchestratorApi.buildSiteImage, {
      params: { id },
      body: request,
      timeoutMs: imageBuildTimeoutMs,
    });
  }

  async removeService(siteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.removeService, { params: { id: siteId } });
  }

  async removeImages(siteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.removeSiteImages, { params: { id: siteId } });
  }

  async restartService(siteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.restartService, { params: { id: siteId } });
  }

  /** What the orchestrator has of every site (or of one), for the reconciler. */
  async orchestratorInventory(siteId?: SiteId): Promise<OrchestratorInventory> {
    return this.#client.request(orchestratorApi.inventory, { query: { siteId } });
  }

  /** What the site's process is doing. */
  async serviceStatus(siteId: SiteId): Promise<SiteServiceStatus> {
    return this.#client.request(orchestratorApi.serviceStatus, { params: { id: siteId } });
  }

  /** The last lines the site's process printed. */
  async logs(siteId: SiteId, tailLines: number): Promise<SiteLogs> {
    return this.#client.request(orchestratorApi.siteLogs, { params: { id: siteId }, query: { tailLines } });
  }

  /** The newest lines, then each new one as the process prints it, until `signal` aborts. */
  async followLogs(siteId: SiteId, tailLines: number, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const lines = await this.#client.stream(
      orchestratorApi.followSiteLogs,
      { params: { id: siteId }, query: { tailLines } },
      signal,
    );
    return (async function* () {
      for await (const line of lines) yield line.text;
    })();
  }

  async read(siteId: SiteId, path: SitePath | null, page?: DirectoryPageQuery) {
    const answer = await this.#client.request(orchestratorApi.readFile, {
      params: { id: siteId },
      query: { path: path ?? undefined, limit: page?.limit, after: page?.after },
    });
    return answer.kind === "json"
      ? { kind: "directory" as const, listing: answer.value }
      : { kind: "file" as const, body: answer.body };
  }

  async setRedirects(redirects: ReadonlyArray<{ from: string; to: string }>): Promise<void> {
    await this.#client.request(orchestratorApi.setSiteRedirects, {
      body: { redirects: redirects.map(({ from, to }) => ({ from, to })) },
    });
  }

  async copySiteFiles(siteId: SiteId, fromSiteId: SiteId): Promise<void> {
    await this.#client.request(orchestratorApi.copySiteFiles, { params: { id: siteId }, body: { fromSiteId } });
  }

  /** /site/run.sh, the first place the start script looks, executable. */
  async writeRunScript(siteId: SiteId, script: string): Promise<void> {
    await this.write(siteId, runScriptPath, Buffer.from(script, "utf8"), { mode: "755" });
  }

  async write(siteId: SiteId, path: SitePath, body: Buffer, options: FileWriteOptions = {}) {
    const { mode, ifModifiedAt } = options;
    return this.#client.request(orchestratorApi.writeFile, {
      params: { id: siteId },
      query: { path, mode, ifModifiedAt },
      body,
    });
  }

  async remove(siteId: SiteId, path: SitePath, options: { recursive?: boolean } = {}): Promise<void> {
    await this.#client.request(orchestratorApi.removeFile, {
      params: { id: siteId },
      query: { path, recursive: options.recursive ? "true" : "false" },
    });
  }

  async zip(siteId: SiteId, path: SitePath | null, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    return this.#client.download(
      orchestratorApi.zipFolder,
      { params: { id: siteId }, query: { path: path ?? undefined } },
      signal,
    );
  }

  /** The changes in the site's folders (null: the site directory), until `signal` aborts. */
  async watchFolders(siteId: SiteId, folders: Array<SitePath | null>, signal: AbortSignal) {
    return this.#client.stream(
      orchestratorApi.watchFolders,
      { params: { id: siteId }, query: { folder: folders.map((folder) => folder ?? "") } },
      signal,
    );
  }

  /** A shell in the site's terminal environment: the socket, once its open request is sent (orchestrator-terminals.ts). */
  async openTerminal(siteId: SiteId, request: TerminalOpenRequest): Promise<WebSocket> {
    const socket = await this.#client.openSocket(orchestratorApi.openTerminal, { params: { id: siteId } });
    socket.send(JSON.stringify(request));
    return socket;
  }

  /** Connects to a database host as its admin and checks its rights (the host goes in the body, never in a path). */
  async checkDatabaseHost(host: DatabaseHost) {
    return this.#client.request(orchestratorApi.checkDatabaseHost, { body: { host } });
  }

  /** The site's database on `host`: made (or found) with `password` and its isolation rights; answers its name. */
  async ensureSiteDatabase(siteId: SiteId, host: DatabaseHost, password: DatabasePassword) {
    return this.#client.request(orchestratorApi.ensureSiteDatabase, {
      params: { id: siteId },
      body: { host, password },
    });
  }

  async setSiteDatabasePassword(siteId: SiteId, host: DatabaseHost, password: DatabasePassword): Promise<void> {
    await this.#client.request(orchestratorApi.rotateSiteDatabasePassword, {
      params: { id: siteId },
      body: { host, password },
    });
  }

  async removeSiteDatabase(siteId: SiteId, host: DatabaseHost): Promise<void> {
    await this.#client.request(orchestratorApi.removeSiteDatabase, { params: { id: siteId }, body: { host } });
  }

  async siteDatabaseSize(siteId: SiteId, host: DatabaseHost): Promise<number> {
    return (await this.#client.request(orchestratorApi.siteDatabaseSize, { params: { id: siteId }, body: { host } }))
      .bytes;
  }

  /** The sizes of the named sites' databases on the host, in batches the route takes; one not there is left out. */
  async databaseHostSizes(host: DatabaseHost, siteIds: readonly SiteId[]): Promise<Map<SiteId, number>> {
    const sizes = new Map<SiteId, number>();
    for (let start = 0; start < siteIds.length; start += databaseHostSizesMaxSites) {
      const batch = siteIds.slice(start, start + databaseHostSizesMaxSites);
      const answer = await this.#client.request(orchestratorApi.databaseHostSizes, { body: { host, siteIds: batch } });
      for (const { siteId, bytes } of answer.sizes) sizes.set(siteId, bytes);
    }
    return sizes;
  }

  /** The balancer's traffic after `after`, by host and minute (features/usage/traffic-collector.ts). */
  readTraffic(after: TrafficCursor | null) {
    return this.#client.request(orchestratorApi.readTraffic, { body: { after } });
  }

  /** What running site containers use now (features/usage/resource-collector.ts). */
  readResources(eventsSince?: string) {
    return this.#client.request(orchestratorApi.readResources, {
      query: eventsSince === undefined ? {} : { eventsSince },
    });
  }

  readDiskUsage() {
    return this.#client.request(orchestratorApi.readDiskUsage, {});
  }

  setDiskQuota(siteId: SiteId, quotaBytes: number | null) {
    return this.#client.request(orchestratorApi.setDiskQuota, { params: { id: siteId }, body: { quotaBytes } });
  }

  async setSiteDatabaseWrites(siteId: SiteId, host: DatabaseHost, isAllowed: boolean): Promise<void> {
    await this.#client.request(orchestratorApi.siteDatabaseWrites, {
      params: { id: siteId },
      body: { host, isAllowed },
    });
  }

  /** The sites of this installation the host has a database or a user of (the admin URL goes in the body). */
  async databaseHostInventory(host: DatabaseHost): Promise<SiteId[]> {
    return (await this.#client.request(orchestratorApi.databaseHostInventory, { body: { host } })).siteIds;
  }

  /** One SQL console statement as the site's user; waits a little longer than the statement's own time limit. */
  async runSiteStatement(
    siteId: SiteId,
    host: DatabaseHost,
    password: DatabasePassword,
    statement: { statement: string; timeoutMs: number; maxRows: number },
  ) {
    return this.#client.request(orchestratorApi.runSiteStatement, {
      params: { id: siteId },
      body: { host, password, ...statement },
      timeoutMs: statement.timeoutMs + 15_000,
    });
  }

  /** Several sites' files and database dumps as one zip, streamed once every site is planned. */
  async archiveSites(request: ArchiveSitesRequest, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    return this.#client.download(orchestratorApi.archiveSites, { body: request }, signal);
  }

  /** A dump of the site's database as it is made, as the site's user; `signal` ends it (the member's client left). */
  async exportSiteDatabase(
    siteId: SiteId,
    host: DatabaseHost,
    password: DatabasePassword,
    signal: AbortSignal,
  ): Promise<AsyncIterable<Buffer>> {
    return this.#client.download(
      orchestratorApi.exportSiteDatabase,
      { params: { id: siteId }, body: { host, password } },
      signal,
    );
  }

  /**
   * Streams `dump` to the orchestrator after its access line and answers what the import did. The orchestrator
   * receives it whole before running it, so a dump cut off (by `signal`, or by `dump` failing) runs nothing.
   */
  async importSiteDatabase(
    siteId: SiteId,
    access: { host: DatabaseHost; password: DatabasePassword; maxBytes: number },
    dump: Readable,
    signal: AbortSignal,
  ): Promise<SiteDatabaseImportAnswer> {
    const body = Readable.from(
      (async function* () {
        yield Buffer.from(`${JSON.stringify(access)}\n`);
        yield* dump;
      })(),
    );
    dump.once("error", (error) => body.destroy(error));
    return this.#client.upload(
      orchestratorApi.importSiteDatabase,
      { params: { id: siteId }, timeoutMs: importTimeoutMs },
      body,
      signal,
    );
  }

  async change(siteId: SiteId, path: SitePath, change: FileChange): Promise<FileChanged> {
    return this.#client.request(orchestratorApi.changeFile, { params: { id: siteId }, query: { path }, body: change });
  }
}
