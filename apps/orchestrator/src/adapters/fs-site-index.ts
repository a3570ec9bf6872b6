/**
 * The site index on disk, read by the balancer's shared server block on each request:
 *
 *   <dir>/names/<name>        -> ../ids/<id>          (symlink: which site answers to a name)
 *   <dir>/domains/<domain>    -> ../ids/<id>          (symlink: which site answers to one of its own domains)
 *   <dir>/ids/<id>/name       the name it answers to  (so a rename or delete finds the old link)
 *   <dir>/ids/<id>/domains    its own domains, one per line (so a change or delete finds the old links)
 *   <dir>/ids/<id>/site       -> the site directory   (symlink, only when its public/ is served)
 *   <dir>/ids/<id>/disabled   empty marker: "not being served" page
 *   <dir>/ids/<id>/not-running  empty marker: "not running" page
 *
 * Everything here is root's and only the orchestrator writes it; sites' own files are reached only through `site`,
 * past which nginx follows no symlink (disable_symlinks from= the link). Each change is one atomic rename or unlink,
 * so nginx sees the old entry or the new one, never a mix.
 */
import { mkdir, readdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { type CustomDomain, parseCustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import { writeFileAtomic } from "@director/host/atomic-write";
import type { SiteIndex, SiteIndexAnswer, SiteIndexEntry } from "../core/ports.js";
import { siteIndexLayout } from "../core/site-index-layout.js";

const markers = siteIndexLayout.markers;

/** The site index as links and marker files under one root-owned directory (world-traversable: nginx reads it). */
export class FsSiteIndex implements SiteIndex {
  readonly #dir: string;
  #tempCount = 0;

  constructor(dir: string) {
    if (!path.isAbsolute(dir)) {
      throw new DirectorError("CONFIG_INVALID", `The site index directory must be absolute, not "${dir}".`);
    }
    this.#dir = path.normalize(dir);
  }

  get dir(): string {
    return this.#dir;
  }

  async prepare(): Promise<void> {
    await mkdir(path.join(this.#dir, siteIndexLayout.namesDir), { recursive: true, mode: 0o755 });
    await mkdir(path.join(this.#dir, siteIndexLayout.idsDir), { recursive: true, mode: 0o755 });
    await mkdir(path.join(this.#dir, siteIndexLayout.domainsDir), { recursive: true, mode: 0o755 });
  }

  async put(entry: SiteIndexEntry): Promise<{ stoppedServingFiles: boolean }> {
    const id = parseSiteId(entry.id);
    const name = parseSiteName(entry.name);
    const domains = (entry.domains ?? []).map(parseCustomDomain);
    const idDir = this.#idDir(id);
    await mkdir(idDir, { recursive: true, mode: 0o755 });
    const oldName = await this.#readName(id);
    const wasServingFiles = (await readlinkOrNull(path.join(idDir, siteIndexLayout.siteLink))) !== null;

    if (entry.answer === "files") {
      if (entry.siteDirectory === null || !path.isAbsolute(entry.siteDirectory)) {
        throw new DirectorError("INTERNAL", "A site served from its files needs its absolute site directory.");
      }
      // The link first, then the markers go: the files are served from the moment the link is there.
      await this.#replaceSymlink(path.join(idDir, siteIndexLayout.siteLink), entry.siteDirectory);
      for (const marker of markers) await rm(path.join(idDir, marker), { force: true });
    } else {
      // The marker first, then the link goes: from the moment the link is gone, the notice is what answers.
      await writeFile(path.join(idDir, entry.answer), "", { mode: 0o644 });
      for (const marker of markers) if (marker !== entry.answer) await rm(path.join(idDir, marker), { force: true });
      await rm(path.join(idDir, siteIndexLayout.siteLink), { force: true });
    }

    if (oldName !== name) await writeFileAtomic(path.join(idDir, "name"), `${name}\n`, { mode: 0o644 });
    await this.#replaceSymlink(this.#nameLink(name), this.#linkTargetOf(id));
    // A rename: the old name answers until the new one does, then leads nowhere.
    const isRenamed = oldName !== null && oldName !== name;
    if (isRenamed) await this.#unlinkNameIfOurs(oldName, id);
    const droppedDomains = await this.#putDomains(id, domains);
    // A dropped domain stops answering for the site whatever it answered (its files or a notice, which nginx's cache
    // may hold for as long), so the caller waits it out too.
    return { stoppedServingFiles: (wasServingFiles && (entry.answer !== "files" || isRenamed)) || droppedDomains };
  }

  /** Links the site's domains to its entry, then unlinks those it no longer has; true when one was unlinked. */
  async #putDomains(id: SiteId, domains: readonly CustomDomain[]): Promise<boolean> {
    const previous = await this.#readDomains(id);
    const wanted = [...new Set(domains)].sort();
    // The file first, so that a crash between the two leaves every link this entry made findable.
    const all = [...new Set([...previous, ...wanted])].sort();
    if (all.join() !== previous.join()) await this.#writeDomains(id, all);
    for (const domain of wanted) await this.#replaceSymlink(this.#domainLink(domain), this.#linkTargetOf(id));
    const dropped = previous.filter((domain) => !wanted.includes(domain));
    for (const domain of dropped) await this.#unlinkIfOurs(this.#domainLink(domain), id);
    if (all.join() !== wanted.join()) await this.#writeDomains(id, wanted);
    return dropped.length > 0;
  }

  async #readDomains(id: SiteId): Promise<CustomDomain[]> {
    try {
      const text = await readFile(path.join(this.#idDir(id), siteIndexLayout.domainsFile), "utf8");
      return text
        .split("\n")
        .filter((line) => line !== "")
        .map(parseCustomDomain);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  async #writeDomains(id: SiteId, domains: readonly CustomDomain[]): Promise<void> {
    const file = path.join(this.#idDir(id), siteIndexLayout.domainsFile);
    if (domains.length === 0) await rm(file, { force: true });
    else await writeFileAtomic(file, domains.map((domain) => `${domain}\n`).join(""), { mode: 0o644 });
  }

  async remove(id: SiteId): Promise<{ stoppedServingFiles: boolean }> {
    const name = await this.#readName(id);
    const wasServingFiles = (await readlinkOrNull(path.join(this.#idDir(id), siteIndexLayout.siteLink))) !== null;
    if (name !== null) await this.#unlinkNameIfOurs(name, id);
    const domains = await this.#readDomains(id);
    for (const domain of domains) await this.#unlinkIfOurs(this.#domainLink(domain), id);
    // Only root's links and markers live here: nothing in it leads into a site's tree but the `site` link itself,
    // which rm unlinks without following.
    await rm(this.#idDir(id), { recursive: true, force: true });
    return { stoppedServingFiles: wasServingFiles || domains.length > 0 };
  }

  async read(
    id: SiteId,
  ): Promise<(SiteIndexEntry & { isNameLinked: boolean; unlinkedDomains: CustomDomain[] }) | null> {
    const name = await this.#readName(id);
    if (name === null) return null;
    const idDir = this.#idDir(id);
    const siteDirectory = await readlinkOrNull(path.join(idDir, siteIndexLayout.siteLink));
    const present = await readdir(idDir);
    const answer: SiteIndexAnswer =
      siteDirectory !== null
        ? "files"
        : (markers.find((marker: SiteIndexAnswer) => present.includes(marker)) ?? "not-running");
    const isNameLinked = (await readlinkOrNull(this.#nameLink(name))) === this.#linkTargetOf(id);
    const domains = await this.#readDomains(id);
    const unlinkedDomains: CustomDomain[] = [];
    for (const domain of domains) {
      if ((await readlinkOrNull(this.#domainLink(domain))) !== this.#linkTargetOf(id)) unlinkedDomains.push(domain);
    }
    return { id, name, answer, siteDirectory, domains, isNameLinked, unlinkedDomains };
  }

  async listSiteIds(): Promise<SiteId[]> {
    let names: string[];
    try {
      names = await readdir(path.join(this.#dir, siteIndexLayout.idsDir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names
      .filter((name) => /^[1-9][0-9]{0,14}$/.test(name))
      .map((name) => parseSiteId(name))
      .sort((a, b) => a - b);
  }

  async #readName(id: SiteId): Promise<SiteName | null> {
    try {
      return parseSiteName((await readFile(path.join(this.#idDir(id), "name"), "utf8")).trim());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async #unlinkNameIfOurs(name: SiteName, id: SiteId): Promise<void> {
    // Another site may have taken the name since (the manager gives a freed name to a new site).
    await this.#unlinkIfOurs(this.#nameLink(name), id);
  }

  /** Unlinks a name's or a domain's link unless it now leads to another site (which took it meanwhile). */
  async #unlinkIfOurs(link: string, id: SiteId): Promise<void> {
    if ((await readlinkOrNull(link)) !== this.#linkTargetOf(id)) return;
    await unlink(link).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  #domainLink(domain: CustomDomain): string {
    return path.join(this.#dir, siteIndexLayout.domainsDir, parseCustomDomain(domain));
  }

  /** Makes `linkPath` a symlink to `target` in one rename, replacing what was there. */
  async #replaceSymlink(linkPath: string, target: string): Promise<void> {
    if ((await readlinkOrNull(linkPath)) === target) return;
    const temp = `${linkPath}.${process.pid}.${++this.#tempCount}.next`;
    await rm(temp, { force: true });
    await symlink(target, temp);
    try {
      await rename(temp, linkPath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  #idDir(id: SiteId): string {
    return path.join(this.#dir, siteIndexLayout.idsDir, String(parseSiteId(id)));
  }

  #nameLink(name: SiteName): string {
    return path.join(this.#dir, siteIndexLayout.namesDir, parseSiteName(name));
  }

  /** Relative, so that the index can be moved or read from inside a container with the same layout. */
  #linkTargetOf(id: SiteId): string {
    return `../${siteIndexLayout.idsDir}/${parseSiteId(id)}`;
  }
}

async function readlinkOrNull(linkPath: string): Promise<string | null> {
  try {
    return await readlink(linkPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EINVAL") return null;
    throw error;
  }
}
