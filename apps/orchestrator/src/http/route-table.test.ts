/**
 * The orchestrator serves exactly its route table (contracts/orchestrator-api.ts), each route with the caller the
 * table declares, and every route but /health refuses a caller without the orchestrator's token.
 */
import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { answersOfEveryRoute, openProbeRoutes, servedAndDeclared } from "@director/testing/route-walk";
import { afterEach, describe, expect, it } from "vitest";
import { buildTestOrchestratorApp } from "../testing/test-app.js";

let current: ReturnType<typeof buildTestOrchestratorApp>;
afterEach(async () => {
  await current.app.close();
});

describe("the orchestrator's routes", () => {
  it("are its route table's, each with the table's caller", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    await current.app.ready();
    const { served, table } = servedAndDeclared(current.app, orchestratorApi);
    expect(served).toEqual(table);
    expect(served.length).toBeGreaterThan(15);
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789-0123456789-0123" }],
  ])(
    "refuse %s with 401 INTERNAL_AUTH_INVALID, all but the probes (/health, /healthz, /readyz), and change nothing",
    async (_label, headers) => {
      current = buildTestOrchestratorApp({ hasRuntime: true });
      await current.app.ready();
      const answers = await answersOfEveryRoute(current.app, headers);
      const open = answers.filter((answer) => answer.status !== 401);
      expect(open.map((answer) => answer.route).sort()).toEqual(openProbeRoutes);
      for (const answer of answers.filter((each) => each.status === 401 && !each.route.startsWith("HEAD"))) {
        expect(answer.code, answer.route).toBe("INTERNAL_AUTH_INVALID");
      }
      expect(answers.length).toBeGreaterThan(20);
      const { directories, files, configFiles, runtime, builder } = current;
      expect([directories.ids.size, files.files.size, configFiles.files.size, runtime.services.size]).toEqual([
        0, 0, 0, 0,
      ]);
      expect(builder.builds).toEqual([]);
    },
  );
});
