#!/usr/bin/env node
/**
 * `npm run build`: each component compiled to JavaScript in dist/<component>/, to run with plain `node` (no tsx, no
 * esbuild at run time):
 *
 *   dist/<component>/<component>.mjs   our code (the app and the packages it uses) in one ES module
 *   dist/<component>/package.json      the npm packages that module imports, and nothing else
 *   dist/manager/web, dist/manager/guide   the web interface's build and the user guide (the manager serves them)
 *
 * A machine that runs only the router copies dist/router, runs `npm install --omit=dev` there, and starts
 * `node router.mjs`. The build fails when a bundle imports a package its app's package.json does not declare, so each
 * app's package.json stays the true list of what it needs. dist/director/director.mjs is the whole `director` command
 * (up, admin, migrate, reconcile and every component).
 */
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "dist");
const rootPackage = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));

/** Each built program: its entry, and the apps whose package.json lists what it may import. */
const programs = [
  { name: "manager", entry: "apps/cli/src/bin/manager.ts", apps: ["manager"] },
  { name: "worker", entry: "apps/cli/src/bin/worker.ts", apps: ["manager"] },
  { name: "orchestrator", entry: "apps/cli/src/bin/orchestrator.ts", apps: ["orchestrator"] },
  { name: "router", entry: "apps/cli/src/bin/router.ts", apps: ["router"] },
  { name: "shell", entry: "apps/cli/src/bin/shell.ts", apps: ["shell"] },
  {
    name: "director",
    entry: "apps/cli/src/main.ts",
    apps: ["cli", "manager", "orchestrator", "router", "shell"],
  },
];

/** A bare import's package name: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Our workspaces are compiled in; every other bare import stays an import, resolved from node_modules at run time. */
const externalPackages = {
  name: "external-packages",
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@director/") || args.path.startsWith("node:")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

async function declaredDependencies(apps) {
  const declared = {};
  for (const app of apps) {
    const manifest = JSON.parse(await readFile(path.join(root, "apps", app, "package.json"), "utf8"));
    Object.assign(declared, manifest.dependencies ?? {});
  }
  return declared;
}

const builtins = new Set((await import("node:module")).builtinModules);
const problems = [];
await rm(dist, { recursive: true, force: true });
for (const program of programs) {
  const outDir = path.join(dist, program.name);
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(root, program.entry)],
    outfile: path.join(outDir, `${program.name}.mjs`),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [externalPackages],
  });
  const imported = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const entry of output.imports) {
      if (!entry.external || entry.path.startsWith("node:") || builtins.has(entry.path)) continue;
      imported.add(packageOf(entry.path));
    }
  }
  // what our code loads with createRequire (a CommonJS package such as ssh2) is no import esbuild sees
  const text = await readFile(path.join(outDir, `${program.name}.mjs`), "utf8");
  for (const match of text.matchAll(/\brequire\d*\(\s*"([^".][^"]*)"\s*\)/g)) {
    const specifier = match[1];
    if (!specifier.startsWith("node:") && !builtins.has(specifier)) imported.add(packageOf(specifier));
  }
  const declared = await declaredDependencies(program.apps);
  const dependencies = {};
  for (const name of [...imported].sort()) {
    const version = declared[name];
    if (version === undefined) {
      problems.push(
        `${program.name} imports ${name}, which apps/{${program.apps.join(",")}}/package.json does not declare`,
      );
      continue;
    }
    dependencies[name] = version;
  }
  await writeFile(
    path.join(outDir, "package.json"),
    `${JSON.stringify(
      {
        name: `director-${program.name}`,
        version: rootPackage.version ?? "0.0.0",
        license: "MIT",
        private: true,
        type: "module",
        engines: { node: ">=20" },
        dependencies,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`dist/${program.name}/${program.name}.mjs  (${Object.keys(dependencies).length} packages)\n`);
}

// What the manager serves, beside its module (apps/manager/src/asset-paths.ts finds them there).
for (const name of ["manager", "director"]) {
  await cp(path.join(root, "apps/manager-web/dist"), path.join(dist, name, "web"), { recursive: true });
  await cp(path.join(root, "docs/guide"), path.join(dist, name, "guide"), { recursive: true });
}

if (problems.length > 0) {
  process.stderr.write(`npm run build: undeclared dependencies:\n  ${problems.join("\n  ")}\n`);
  process.exit(1);
}
