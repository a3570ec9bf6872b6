import type { InternalToken } from "@director/http-kit/internal-auth";
import { InMemoryConfigFiles } from "@director/testing/in-memory-config-files";
import { pino } from "pino";
import { NginxBalancerConfig } from "../adapters/balancer-config.js";
import { buildOrchestratorApp } from "../http/app.js";
import { InMemorySiteDirectories, InMemorySiteFiles } from "./in-memory-sites.js";

export const testToken = "test-token-0123456789-0123456789-0123456789" as InternalToken;
export const authorization = { authorization: `Bearer ${testToken}` };

/** The orchestrator's HTTP app on in-memory fakes of every port (the balancer adapter is real: it only renders). */
export function buildTestOrchestratorApp(options: { maxFileBytes?: number } = {}) {
  const directories = new InMemorySiteDirectories();
  const files = new InMemorySiteFiles();
  const configFiles = new InMemoryConfigFiles();
  const balancer = new NginxBalancerConfig({
    files: configFiles,
    directories,
    env: { listen: "127.0.0.1:8081", sitesDomain: "sites.localhost", defaultClientBodyLimitBytes: 2097152 },
  });
  const app = buildOrchestratorApp({
    log: pino({ level: "silent" }),
    token: testToken,
    directories,
    balancer,
    files,
    maxFileBytes: options.maxFileBytes ?? 1024,
  });
  return { app, directories, files, configFiles };
}
