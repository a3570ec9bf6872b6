import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import { parseSiteId, type SiteId } from "@director/domain/site";
import type { ConfigFiles } from "@director/host/config-files";
import { type NginxConfigFileName, parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import type { BalancerConfig, BalancerConfigFiles, SiteDirectories } from "../core/ports.js";
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

/** The site id in a site's file name, or null for any other file (the edge's default server, say). */
export function siteIdOfConfigFileName(name: string): SiteId | null {
  const id = /^site-([1-9][0-9]{0,14})\.conf$/.exec(name)?.[1];
  return id === undefined ? null : parseSiteId(id);
}

/** Site server blocks as one nginx file per site (DESIGN rule 6: a change to one site costs one file). */
export class NginxBalancerConfig implements BalancerConfig, BalancerConfigFiles {
  readonly #files: ConfigFiles;
  readonly #directories: Pick<SiteDirectories, "pathOf">;
  readonly #env: BalancerEnv;

  constructor(deps: { files: ConfigFiles; directories: Pick<SiteDirectories, "pathOf">; env: BalancerEnv }) {
    this.#files = deps.files;
    this.#directories = deps.directories;
    this.#env = deps.env;
  }

  async upsert(spec: BalancerSiteSpec): Promise<void> {
    await this.#files.put(siteConfigFileName(spec.id), this.render(spec));
  }

  render(spec: BalancerSiteSpec): string {
    const { listen, sitesDomain, defaultClientBodyLimitBytes } = this.#env;
    return renderSiteServerBlock(
      { ...spec, clientBodyLimitBytes: spec.clientBodyLimitBytes ?? defaultClientBodyLimitBytes },
      { listen, sitesDomain, siteDirectory: this.#directories.pathOf(spec.id) },
    );
  }

  read(id: SiteId): Promise<string | null> {
    return this.#files.read(siteConfigFileName(id));
  }

  async listSiteIds(): Promise<SiteId[]> {
    const ids = (await this.#files.list()).map(siteIdOfConfigFileName).filter((id): id is SiteId => id !== null);
    return ids.sort((a, b) => a - b);
  }

  async remove(id: SiteId): Promise<void> {
    await this.#files.remove(siteConfigFileName(id));
  }
}
