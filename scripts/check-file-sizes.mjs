#!/usr/bin/env node
// The shape budget (docs/ARCHITECTURE.md): no source file over 400 lines. Tests, generated files and the web app's
// stylesheet are not source in this sense. Lists every file over the budget and exits 1, so `npm run check` fails.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const maxLines = 400;
const roots = ["apps", "packages"];
const isSource = (file) => /\.(ts|tsx|mjs|cjs)$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.endsWith(".d.ts");
const skipped = new Set(["node_modules", "dist", ".vitest"]);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (skipped.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (isSource(full)) yield full;
  }
}

const over = [];
for (const root of roots) {
  for (const file of walk(root)) {
    const lines = readFileSync(file, "utf8").split("\n").length - 1;
    if (lines > maxLines) over.push(`${file}: ${lines} lines`);
  }
}
if (over.length > 0) {
  console.error(`Files over the ${maxLines}-line budget (split them by what they do):\n  ${over.join("\n  ")}`);
  process.exit(1);
}
