import {
  type BalancerSiteSpec,
  type DirectoryPageQuery,
  directoryListingSchema,
  fileWrittenSchema,
  type OrchestratorInventory,
  orchestratorApiPrefix,
  orchestratorInventorySchema,
  type SiteImageRequest,
  type SiteImageResult,
  type SiteLogs,
  type SiteServiceRequest,
  type SiteServiceStatus,
  siteImageResultSchema,
  siteLogLineSchema,
  siteLogsSchema,
  siteServiceStatusSchema,
} from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import type { InternalClient } from "@director/http-kit/internal-client";
import type { FileMode, SiteFileStore } from "../features/files/site-file-store.js";
import type { SiteHost } from "../features/operations/site-host.js";
import type { HostInventory } from "../features/reconcile/host-inventory.js";

/** How long an image build may take before the call counts as failed (a big package set on a slow mirror). */
const imageBuildTimeoutMs = 20 * 60_000;
const runScriptPath = parseSitePath("run.sh");

/** The orchestrator's internal API as the manager uses it: site directories, balancer config and files. */
export class OrchestratorClient
  implements Omit<SiteHost, "upsertRoute" | "removeRoute">, SiteFileStore, Pick<HostInventory, "orchestratorInventory">
{
  readonly #client: InternalClient;

  constructor(client: InternalClient) {
    this.#client = client;
  }

  async ensureDirectories(siteId: SiteId): Promise<void> {
    await this.#client.call({ method: "PUT", path: `${orchestratorApiPrefix}/sites/${siteId}/directories` });
  }

  async removeDirectories(siteId: SiteId): Promise<void> {
    await this.#client.call({ method: "DELETE", path: `${orchestratorApiPrefix}/sites/${siteId}/directories` });
  }

  async upsertBalancer(spec: BalancerSiteSpec): Promise<void> {
    await this.#client.call({ method: "PUT", path: `${orchestratorApiPrefix}/sites/${spec.id}/balancer`, json: spec });
  }

  async removeBalancer(siteId: SiteId): Promise<void> {
    await this.#client.call({ method: "DELETE", path: `${orchestratorApiPrefix}/sites/${siteId}/balancer` });
  }

  async upsertService(request: SiteServiceRequest): Promise<void> {
    await this.#client.call({
      method: "PUT",
      path: `${orchestratorApiPrefix}/sites/${request.id}/service`,
      json: request,
    });
  }

  /** Builds (or reuses) the site's image; as slow as the build, hence its own time limit. */
  async buildSiteImage(request: SiteImageRequest): Promise<SiteImageResult> {
    return this.#client.json(
      {
        method: "POST",
        path: `${orchestratorApiPrefix}/sites/${request.id}/image`,
        json: request,
        timeoutMs: imageBuildTimeoutMs,
      },
      siteImageResultSchema,
    );
  }

  async removeService(siteId: SiteId): Promise<void> {
    await this.#client.call({ method: "DELETE", path: `${orchestratorApiPrefix}/sites/${siteId}/service` });
  }

  async removeImages(siteId: SiteId): Promise<void> {
    await this.#client.call({ method: "DELETE", path: `${orchestratorApiPrefix}/sites/${siteId}/images` });
  }

  async restartService(siteId: SiteId): Promise<void> {
    await this.#client.call({ method: "POST", path: `${orchestratorApiPrefix}/sites/${siteId}/service/restart` });
  }

  /** What the orchestrator has of every site (or of one), for the reconciler. */
  async orchestratorInventory(siteId?: SiteId): Promise<OrchestratorInventory> {
    return this.#client.json(
      {
        method: "GET",
        path: `${orchestratorApiPrefix}/inventory`,
        query: siteId === undefined ? {} : { siteId: String(siteId) },
      },
      orchestratorInventorySchema,
    );
  }

  /** What the site's process is doing. */
  async serviceStatus(siteId: SiteId): Promise<SiteServiceStatus> {
    return this.#client.json(
      { method: "GET", path: `${orchestratorApiPrefix}/sites/${siteId}/service` },
      siteServiceStatusSchema,
    );
  }

  /** The last lines the site's process printed. */
  async logs(siteId: SiteId, tailLines: number): Promise<SiteLogs> {
    return this.#client.json(
      { method: "GET", path: `${orchestratorApiPrefix}/sites/${siteId}/logs`, query: { tailLines: String(tailLines) } },
      siteLogsSchema,
    );
  }

  /** The newest lines, then each new one as the process prints it, until `signal` aborts. */
  async followLogs(siteId: SiteId, tailLines: number, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const body = await this.#client.stream(
      {
        method: "GET",
        path: `${orchestratorApiPrefix}/sites/${siteId}/logs`,
        query: { tailLines: String(tailLines), follow: "true" },
      },
      signal,
    );
    return (async function* () {
      let pending = "";
      const decoder = new TextDecoder();
      for await (const chunk of body) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (line !== "") yield siteLogLineSchema.parse(JSON.parse(line)).text;
        }
      }
    })();
  }

  async read(siteId: SiteId, path: SitePath | null, page?: DirectoryPageQuery) {
    const query: Record<string, string> = path === null ? {} : { path };
    if (page !== undefined) query.limit = String(page.limit);
    if (page?.after !== undefined) query.after = page.after;
    const { body, contentType } = await this.#client.bytes({
      method: "GET",
      path: `${orchestratorApiPrefix}/sites/${siteId}/files`,
      query,
    });
    if (contentType.startsWith("application/json")) {
      return { kind: "directory" as const, listing: directoryListingSchema.parse(JSON.parse(body.toString("utf8"))) };
    }
    return { kind: "file" as const, body };
  }

  /** /site/run.sh, the first place the start script looks, executable. */
  async writeRunScript(siteId: SiteId, script: string): Promise<void> {
    await this.write(siteId, runScriptPath, Buffer.from(script, "utf8"), "755");
  }

  async write(siteId: SiteId, path: SitePath, body: Buffer, mode?: FileMode) {
    return this.#client.json(
      {
        method: "PUT",
        path: `${orchestratorApiPrefix}/sites/${siteId}/files`,
        query: mode ? { path, mode } : { path },
        body,
      },
      fileWrittenSchema,
    );
  }

  async remove(siteId: SiteId, path: SitePath): Promise<void> {
    await this.#client.call({
      method: "DELETE",
      path: `${orchestratorApiPrefix}/sites/${siteId}/files`,
      query: { path },
    });
  }
}
