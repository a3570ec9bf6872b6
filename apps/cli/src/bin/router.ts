/** `node dist/router/router.mjs`: the router alone, configured by its environment (npm run build compiles this file). */
import { loadRouterConfig, runRouter } from "@director/router";
import { runAlone } from "./run-alone.js";

await runAlone("router", (env, log) => runRouter(loadRouterConfig(env), log));
