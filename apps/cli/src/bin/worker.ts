/** `node dist/worker/worker.mjs`: the worker alone, configured by its environment (npm run build compiles this file). */
import { startManagerComponent } from "../commands/manager-component.js";
import { runAlone } from "./run-alone.js";

await runAlone("worker", (env, log) => startManagerComponent("worker", env, log));
