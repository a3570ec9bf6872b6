/**
 * Deleting a site's tree: Director's descriptor-only removal (orchestrator adapters/tree-removal.ts, safe against a
 * site swapping its directories for symlinks) against Node's recursive `rm` (the unsafe baseline it replaced), on the
 * same tree shape, in alternating rounds. Reports each one's files per second and the ratio.
 *
 *   node --import tsx bench/site-deletion.ts [--directories 500] [--files 20] [--rounds 3]
 */
import { constants } from "node:fs";
import { mkdir, mkdtemp, open, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { removeTreeContents } from "@director/orchestrator";

const { values } = parseArgs({
  options: {
    directories: { type: "string", default: "500" },
    files: { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
  },
});
const directoryCount = Number(values.directories);
const filesPerDirectory = Number(values.files);
const rounds = Number(values.rounds);
const fileCount = directoryCount * (filesPerDirectory + 1);

/** A site-like tree: directories two levels deep, each with small files. */
async function makeTree(root: string): Promise<void> {
  for (let index = 0; index < directoryCount; index++) {
    const dir = path.join(root, "public", `group-${index % 20}`, `d${index}`);
    await mkdir(dir, { recursive: true });
    for (let file = 0; file < filesPerDirectory; file++) await writeFile(path.join(dir, `f${file}.html`), "<p>x</p>");
  }
}

async function timeIt(run: (root: string) => Promise<void>): Promise<number> {
  const root = await mkdtemp(path.join(tmpdir(), "director-bench-delete-"));
  await makeTree(root);
  const started = process.hrtime.bigint();
  await run(root);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await rm(root, { recursive: true, force: true });
  return seconds;
}

const director = async (root: string) => {
  const handle = await open(root, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await removeTreeContents(handle);
  } finally {
    await handle.close();
  }
  await rmdir(root);
};
const nodeRm = (root: string) => rm(root, { recursive: true, force: true });

const results = { director: [] as number[], nodeRm: [] as number[] };
for (let round = 0; round < rounds; round++) {
  results.nodeRm.push(await timeIt(nodeRm));
  results.director.push(await timeIt(director));
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;
const rate = (seconds: number) => Math.round(fileCount / seconds);
console.log(`tree: ${directoryCount} directories, ${fileCount} entries; ${rounds} rounds, medians`);
console.log(
  `Node rm (baseline):        ${median(results.nodeRm).toFixed(2)} s, ${rate(median(results.nodeRm))} entries/s`,
);
console.log(
  `descriptor-only removal:   ${median(results.director).toFixed(2)} s, ${rate(median(results.director))} entries/s`,
);
console.log(
  `ratio (Director / Node rm): ${(median(results.nodeRm) / median(results.director)).toFixed(2)} of the speed`,
);
