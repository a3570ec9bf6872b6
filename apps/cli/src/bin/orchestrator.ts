/** `node dist/orchestrator/orchestrator.mjs`: the orchestrator alone, configured by its environment (npm run build). */
import { loadOrchestratorConfig, runOrchestrator } from "@director/orchestrator";
import { runAlone } from "./run-alone.js";

await runAlone("orchestrator", (env, log) => runOrchestrator(loadOrchestratorConfig(env), log));
