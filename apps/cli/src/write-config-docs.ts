/** `npm run docs:config`: writes README.md's configuration tables from the code. */
import { readFile, writeFile } from "node:fs/promises";
import { readmePath, withConfigTables } from "./config-docs.js";

const readme = await readFile(readmePath, "utf8");
const written = withConfigTables(readme);
await writeFile(readmePath, written);
process.stdout.write(written === readme ? "README.md is up to date.\n" : "README.md's configuration tables written.\n");
