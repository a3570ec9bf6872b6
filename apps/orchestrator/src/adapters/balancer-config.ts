import type { BalancerSiteSpec } from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import type { ConfigFiles } from "@director/host/config-files";
import { type NginxConfigFileName, parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import type { BalancerConfig, SiteDirectories } from "../core/ports.js";
import { renderSiteServerBlock } from "../core/render-site-server-block.js";

/** The file holding one site's server block; named by id so that a rename changes the file's content only. */
export function siteConfigFileName(id: SiteId): NginxConfigFileName {
  return parseNginxConfigFileName(`site-${id}.conf`);
}

/** What every site's server block shares. */
export interface BalancerEnv {
  /** nginx listen address of every site server block */
  listen: string;
  sitesDomain: string;
  /** used when a spec has no clientBodyLimitBytes */
  defaultClientBodyLimitBytes: number;
}

/** Site server blocks as one nginx file per site (DESIGN rule 6: a change to one site costs one file). */
export class NginxBalancerConfig implements BalancerConfig {
  readonly #files: ConfigFiles;
  readonly #directories: Pick<SiteDirectories, "pathOf">;
  readonly #env: BalancerEnv;

  constructor(deps: { files: ConfigFiles; directories: Pick<SiteDirectories, "pathOf">; env: BalancerEnv }) {
    this.#files = deps.files;
    this.#directories = deps.directories;
    this.#env = deps.env;
  }

  async upsert(spec: BalancerSiteSpec): Promise<void> {
    const id = spec.id as SiteId;
    const { listen, sitesDomain, defaultClientBodyLimitBytes } = this.#env;
    const text = renderSiteServerBlock(
      { ...spec, clientBodyLimitBytes: spec.clientBodyLimitBytes ?? defaultClientBodyLimitBytes },
      { listen, sitesDomain, siteDirectory: this.#directories.pathOf(id) },
    );
    await this.#files.put(siteConfigFileName(id), text);
  }

  async remove(id: SiteId): Promise<void> {
    await this.#files.remove(siteConfigFileName(id));
  }
}
