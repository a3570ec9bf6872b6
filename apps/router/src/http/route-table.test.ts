/**
 * The router serves exactly its route table (contracts/router-api.ts), each route with the caller the table declares,
 * and every route but /health refuses a caller without the router's token.
 */
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { routerApi } from "@director/contracts/router-api";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InMemoryConfigFiles } from "@director/testing/in-memory-config-files";
import { answersOfEveryRoute, openProbeRoutes, servedAndDeclared } from "@director/testing/route-walk";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { routerConfigSchema } from "../config.js";
import { createRouter, type RouterHandle } from "../main.js";

const token = "router-test-token-0123456789-0123456789" as InternalToken;
let router: RouterHandle;
// The router makes its data directory when ready; it holds nothing these tests need afterwards.
afterAll(async () => {
  await rm(path.join(tmpdir(), `director-router-table-${process.pid}`), { recursive: true, force: true });
});

afterEach(async () => {
  await router.close();
});

async function setUp() {
  const files = new InMemoryConfigFiles();
  const config = routerConfigSchema.parse({
    http: {},
    token,
    edge: {},
    topology: "split",
    dataDir: path.join(tmpdir(), `director-router-table-${process.pid}`),
  });
  router = createRouter(config, { routeFiles: files, log: pino({ level: "silent" }) });
  await router.app.ready();
  return { app: router.app, files };
}

describe("the router's routes", () => {
  it("are its route table's, each with the table's caller", async () => {
    const { app } = await setUp();
    const { served, table } = servedAndDeclared(app, routerApi);
    expect(served).toEqual(table);
    expect(served.length).toBe(10);
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789-0123456789-0123" }],
  ])(
    "refuse %s with 401 INTERNAL_AUTH_INVALID, all but the probes (/health, /healthz, /readyz), and change nothing",
    async (_label, headers) => {
      const { app, files } = await setUp();
      files.files.set("route-hello.conf" as never, "# a route file named by site name\n");
      const before = new Map(files.files);
      const answers = await answersOfEveryRoute(app, headers);
      const open = answers.filter((answer) => answer.status !== 401);
      expect(open.map((answer) => answer.route).sort()).toEqual(openProbeRoutes);
      for (const answer of answers.filter((each) => each.status === 401 && !each.route.startsWith("HEAD"))) {
        expect(answer.code, answer.route).toBe("INTERNAL_AUTH_INVALID");
      }
      expect(answers.length).toBeGreaterThanOrEqual(6);
      expect(files.files).toEqual(before);
    },
  );
});
