/** `node dist/shell/shell.mjs`: the SSH server alone, configured by its environment (npm run build compiles this file). */
import { loadShellConfig, runShell } from "@director/shell";
import { runAlone } from "./run-alone.js";

await runAlone("shell", (env, log) => runShell(loadShellConfig(env), log));
