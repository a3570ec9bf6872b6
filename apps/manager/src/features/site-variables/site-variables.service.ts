import type { AuditRepository } from "@director/db/audit.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteVariableRow, SiteVariablesRepository } from "@director/db/site-variables.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { SiteRecord as Site } from "@director/domain/site";
import {
  checkSiteVariables,
  type SiteVariableInput,
  type SiteVariableName,
  type SiteVariableRecord,
} from "@director/domain/site-variable";
import type { Wakeup } from "../../adapters/wakeup.js";
import type { SecretSealer } from "../database-hosts/database-host-checker.js";
import { operationPlans } from "../operations/operation-plans.js";
import type { SitesService } from "../sites/sites.service.js";

type Repos = {
  variables: Pick<SiteVariablesRepository, "list" | "replace">;
  operations: Pick<OperationsRepository, "create">;
  audit: Pick<AuditRepository, "record">;
};

export interface SiteVariablesServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  variables: Pick<SiteVariablesRepository, "list">;
  /** null when DIRECTOR_SECRETS_KEY is unset: plain variables work, secrets are refused (SECRETS_KEY_MISSING) */
  sealer: SecretSealer | null;
  wakeup: Wakeup;
  now?: () => Date;
  inTransaction<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
}

/** What a change did, for the answer: the variables as they now are, and the restart (null: a static site). */
export interface ReplacedVariables {
  variables: SiteVariableRecord[];
  operation: Operation | null;
}

/**
 * A site's environment variables and secrets. Members list them (secrets without values) and replace the whole
 * set at once; the rows and, for a dynamic site, the operation that restarts its process with them are written in
 * one transaction, so a refused operation (SITE_BUSY) changes nothing. The audit log names what changed, never a
 * value. `environment` is the one place a secret is opened: for the site's process, terminals and SSH sessions.
 */
export class SiteVariablesService {
  readonly #deps: SiteVariablesServiceDeps;

  constructor(deps: SiteVariablesServiceDeps) {
    this.#deps = deps;
  }

  /** Members: the site's variables by name. */
  async list(actor: Actor, siteName: string): Promise<SiteVariableRecord[]> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    return this.#deps.variables.list(site.id);
  }

  /**
   * Members: makes the site's variables exactly `inputs` (checkSiteVariables: SITE_VARIABLE_INVALID). A secret
   * without a value keeps its stored one; a new secret, or a variable turned secret, needs a value.
   */
  async replace(actor: Actor, siteName: string, inputs: readonly SiteVariableInput[]): Promise<ReplacedVariables> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    checkSiteVariables(inputs);
    const now = this.#deps.now?.() ?? new Date();
    const result = await this.#deps.inTransaction(async ({ variables, operations, audit }) => {
      const before = new Map((await variables.list(site.id)).map((variable) => [variable.name, variable]));
      const rows = inputs.map((input, index) => this.#row(input, index, before.get(input.name as SiteVariableName)));
      const changes = describeChanges(before, rows);
      if (changes.added.length + changes.changed.length + changes.removed.length === 0) {
        return { variables: [...before.values()], operation: null };
      }
      await variables.replace(site.id, rows, now);
      const operation =
        site.type === "dynamic" ? await operations.create(newOperation(site, actor, "update_environment")) : null;
      await audit.record({
        actorUserId: actor.id,
        action: "site.update_variables",
        target: `site:${site.name}`,
        details: changes,
      });
      return { variables: await variables.list(site.id), operation };
    });
    if (result.operation !== null) this.#deps.wakeup.notify();
    return result;
  }

  /** The variables as the site's code gets them, secrets opened. */
  async environment(site: Pick<Site, "id">): Promise<Record<string, string>> {
    const stored = await this.#deps.variables.list(site.id);
    return Object.fromEntries(
      stored.map((variable) => [
        variable.name,
        variable.isSecret ? this.#sealer().open(variable.value) : variable.value,
      ]),
    );
  }

  /** The row to store for one input: a secret sealed, or kept as it was when its value is left out. */
  #row(input: SiteVariableInput, index: number, stored: SiteVariableRecord | undefined): SiteVariableRow {
    const name = input.name as SiteVariableName;
    if (input.value === undefined) {
      if (input.isSecret && stored?.isSecret) return { name, value: stored.value, isSecret: true };
      const message = input.isSecret
        ? `${name} is a new secret: give it a value.`
        : `${name} needs a value (only a secret's may be left out, to keep it).`;
      throw new DirectorError("SITE_VARIABLE_INVALID", message, {
        details: { fields: { [`variables.${index}.value`]: message } },
      });
    }
    if (!input.isSecret) return { name, value: input.value, isSecret: false };
    // the same secret sent again keeps its sealed value, so that nothing reads as changed
    if (stored?.isSecret && this.#sealer().open(stored.value) === input.value) {
      return { name, value: stored.value, isSecret: true };
    }
    return { name, value: this.#sealer().seal(input.value), isSecret: true };
  }

  #sealer(): SecretSealer {
    if (this.#deps.sealer === null) {
      throw new DirectorError(
        "SECRETS_KEY_MISSING",
        "Site secrets need DIRECTOR_SECRETS_KEY in the manager's environment; ask an administrator to set it.",
      );
    }
    return this.#deps.sealer;
  }
}

/** Names only: what the audit log keeps of a change. */
function describeChanges(before: ReadonlyMap<string, SiteVariableRecord>, rows: readonly SiteVariableRow[]) {
  const after = new Set<string>(rows.map((row) => row.name));
  return {
    added: rows.filter((row) => !before.has(row.name)).map((row) => row.name),
    changed: rows
      .filter((row) => {
        const old = before.get(row.name);
        return old !== undefined && (old.value !== row.value || old.isSecret !== row.isSecret);
      })
      .map((row) => row.name),
    removed: [...before.keys()].filter((name) => !after.has(name)),
  };
}

function newOperation(site: Site, actor: Actor, kind: "update_environment") {
  return {
    siteId: site.id,
    siteName: site.name,
    kind,
    createdBy: actor.id,
    steps: operationPlans[kind].map(({ slug, name }) => ({ slug, name })),
  };
}
