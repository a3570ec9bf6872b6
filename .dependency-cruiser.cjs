/**
 * The layers of the tree, checked by `npm run check` (docs/ARCHITECTURE.md explains them):
 * apps never reach into another app but through its src/index.ts; packages/domain does no I/O; the web app takes
 * only types from packages/contracts (and the two modules there that carry no zod); nothing depends on itself in a
 * circle.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes the order of module start-up matter and the pieces impossible to reason about alone.",
      from: {},
      to: { circular: true },
    },
    {
      name: "apps-only-through-index",
      severity: "error",
      comment: "An app (or e2e, bench) uses another app only through that app's src/index.ts.",
      from: { path: "^(apps/([^/]+)|e2e|bench)/" },
      to: { path: "^apps/([^/]+)/src/(?!index\\.ts$)", pathNot: "^apps/$2/" },
    },
    {
      name: "packages-never-import-apps",
      severity: "error",
      comment: "Packages are shared by apps; they never depend on one.",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "domain-does-no-io",
      severity: "error",
      comment: "packages/domain holds types, rules and parsers: pure. I/O belongs to adapters.",
      from: { path: "^packages/domain/src/" },
      to: {
        dependencyTypes: ["core"],
        path: "^(node:)?(fs|fs/promises|child_process|net|dgram|http|https|http2|tls|dns|os|worker_threads|cluster)$",
      },
    },
    {
      name: "domain-depends-on-nothing-of-ours",
      severity: "error",
      comment: "packages/domain is the bottom layer.",
      from: { path: "^packages/domain/src/" },
      to: { path: "^(packages/(?!domain/)|apps/)" },
    },
    {
      name: "web-takes-only-types-from-contracts",
      severity: "error",
      comment:
        "The browser bundle must not carry zod: from packages/contracts the web app imports types, plus manager-paths.ts, manager-workspace.ts and route.ts, which import no zod at run time.",
      from: { path: "^apps/manager-web/src/" },
      to: {
        path: "^packages/contracts/src/(?!(manager-paths|manager-workspace|route)\\.ts$)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "web-imports-no-server-code",
      severity: "error",
      comment: "The web app runs in the browser: no server package or app.",
      from: { path: "^apps/manager-web/src/" },
      to: { path: "^(apps/(?!manager-web/)|packages/(?!contracts/))" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
