/**
 * What the shell server offers the other apps (the `director` command): its composition root and its configuration.
 * Nothing else of apps/shell is imported outside it (dependency-cruiser's `apps-only-through-index`).
 */
export { loadShellConfig, shellConfigTable } from "./config.js";
export { createShell, runShell, type ShellHandle } from "./main.js";
