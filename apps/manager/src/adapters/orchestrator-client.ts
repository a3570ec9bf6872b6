import {
  type BalancerSiteSpec,
  directoryListingSchema,
  fileWrittenSchema,
  orchestratorApiPrefix,
} from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import type { SitePath } from "@director/domain/site-path";
import type { InternalClient } from "@director/http-kit/internal-client";
import type { SiteFileStore } from "../features/files/site-file-store.js";
import type { SiteHost } from "../features/operations/site-host.js";

/** The orchestrator's internal API as the manager uses it: site directories, balancer config and files. */
export class OrchestratorClient implements Omit<SiteHost, "upsertRoute" | "removeRoute">, SiteFileStore {
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

  async read(siteId: SiteId, path: SitePath | null) {
    const { body, contentType } = await this.#client.bytes({
      method: "GET",
      path: `${orchestratorApiPrefix}/sites/${siteId}/files`,
      query: path === null ? {} : { path },
    });
    if (contentType.startsWith("application/json")) {
      return { kind: "directory" as const, listing: directoryListingSchema.parse(JSON.parse(body.toString("utf8"))) };
    }
    return { kind: "file" as const, body };
  }

  async write(siteId: SiteId, path: SitePath, body: Buffer) {
    return this.#client.json(
      { method: "PUT", path: `${orchestratorApiPrefix}/sites/${siteId}/files`, query: { path }, body },
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
