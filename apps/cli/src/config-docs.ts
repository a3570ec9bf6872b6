/**
 * README.md's configuration tables, made from the components' configuration tables: `npm run docs:config` writes
 * them, and config-docs.test.ts fails when the README and the code differ.
 */
import path from "node:path";
import { renderConfigTable, replaceGeneratedBlock } from "@director/config/config-docs";
import { variablesOf } from "@director/config/config-table";
import { managerConfigTable } from "@director/manager";
import { orchestratorConfigTable } from "@director/orchestrator";
import { routerConfigTable } from "@director/router";
import { shellConfigTable } from "@director/shell";
import { upVariables } from "./config.js";

export const readmePath = path.resolve(import.meta.dirname, "..", "..", "..", "README.md");

/** `readme` with each marked configuration table written again from the code. */
export function withConfigTables(readme: string): string {
  const tables = {
    up: upVariables(),
    manager: variablesOf(managerConfigTable),
    orchestrator: variablesOf(orchestratorConfigTable),
    router: variablesOf(routerConfigTable),
    shell: variablesOf(shellConfigTable),
  };
  return Object.entries(tables).reduce(
    (text, [name, variables]) => replaceGeneratedBlock(text, name, renderConfigTable(variables)),
    readme,
  );
}
