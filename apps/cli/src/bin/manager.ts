/** `node dist/manager/manager.mjs`: the manager alone, configured by its environment (npm run build compiles this file). */
import { startManagerComponent } from "../commands/manager-component.js";
import { runAlone } from "./run-alone.js";

await runAlone("manager", (env, log) => startManagerComponent("manager", env, log));
