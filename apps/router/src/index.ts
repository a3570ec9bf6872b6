/**
 * What the router offers the other apps (the `director` command): its composition root and its configuration.
 * Nothing else of apps/router is imported outside it (dependency-cruiser's `apps-only-through-index`).
 */
export { loadRouterConfig, routerConfigTable } from "./config.js";
export { createRouter, runRouter } from "./main.js";
