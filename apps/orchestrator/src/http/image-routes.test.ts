import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { afterEach, describe, expect, it } from "vitest";
import { buildTestOrchestratorApp, callRoute, testImage } from "../testing/test-app.js";

let current: ReturnType<typeof buildTestOrchestratorApp>;
afterEach(async () => {
  await current.app.close();
});

const site = { params: { id: 42 } };
const recipe = {
  parent: testImage,
  setupCommands: "",
  installCommandPrefix: "apk add",
  packages: ["jq"],
};
const build = (body: object) => callRoute(current.app, api.buildSiteImage, { ...site, body });

describe("building a site's image", () => {
  it("builds the site's image once, and reuses it for an unchanged recipe", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    const first = await build(recipe);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({
      image: expect.stringMatching(/^director\/test-site-42:[0-9a-f]{16}$/),
      isBuilt: true,
    });
    expect(current.builder.builds[0]?.dockerfile).toContain(`RUN ["/bin/sh","-e","-c","apk add 'jq'"]`);
    const again = await build({ ...recipe, packages: ["jq", "jq"] });
    expect(again.json()).toEqual({ image: first.json().image, isBuilt: false });
    expect(current.builder.builds).toHaveLength(1);
  });

  it("runs the parent itself when the recipe adds nothing", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    const answer = await build({ ...recipe, packages: [] });
    expect(answer.json()).toEqual({ image: testImage, isBuilt: false });
    expect(current.builder.builds).toHaveLength(0);
  });

  it("answers a failed build with 422 IMAGE_BUILD_FAILED and its log", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    const answer = await build({ ...recipe, packages: ["failing"] });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().error).toMatchObject({
      code: "IMAGE_BUILD_FAILED",
      details: { log: ["E: Unable to locate package failing"] },
    });
  });

  it.each([
    ["a package name a shell would read", { ...recipe, packages: ["jq;id"] }, "PACKAGE_NAME_INVALID"],
    ["51 packages", { ...recipe, packages: Array.from({ length: 51 }, (_, i) => `p${i}x`) }, "VALIDATION_FAILED"],
    ["a bad parent", { ...recipe, parent: "busybox\nRUN id" }, "IMAGE_REF_INVALID"],
    ["a two-line install command", { ...recipe, installCommandPrefix: "apk add\nid" }, "VALIDATION_FAILED"],
    ["packages without an install command", { ...recipe, installCommandPrefix: "" }, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and builds nothing", async (_label, payload, code) => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    const answer = await build(payload);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe(code);
    expect(current.builder.builds).toHaveLength(0);
  });

  it("answers 503 DOCKER_UNAVAILABLE without a Docker engine, and 401 without the token", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: false });
    expect((await build(recipe)).json().error.code).toBe("DOCKER_UNAVAILABLE");
    const anonymous = await callRoute(current.app, api.buildSiteImage, { ...site, body: recipe, headers: {} });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("a site's images over its life (fake builder and runtime)", () => {
  const runOn = (image: string) =>
    callRoute(current.app, api.upsertService, { ...site, body: { isEnabled: true, image } });

  it("removes the images its service no longer runs (not one a container still uses), and all of them with the site", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    const first = (await build(recipe)).json().image;
    expect((await runOn(first)).statusCode).toBe(204);
    const second = (await build({ ...recipe, packages: ["jq", "curl"] })).json().image;
    current.builder.inUse.add(first); // the stopped task Swarm keeps in its history
    expect((await runOn(second)).statusCode).toBe(204);
    expect([...current.builder.images.keys()].sort()).toEqual([first, second, testImage].sort());
    current.builder.inUse.delete(first);
    expect((await runOn(second)).statusCode).toBe(204); // any later change takes it
    expect([...current.builder.images.keys()].sort()).toEqual([second, testImage].sort());

    // As a deletion does it: the service (and its process) first, then the files.
    const stopped = await callRoute(current.app, api.removeService, site);
    expect(stopped.statusCode).toBe(204);
    const deleted = await callRoute(current.app, api.removeSiteDirectories, site);
    expect(deleted.statusCode).toBe(204);
    expect([...current.builder.images.keys()]).toEqual([testImage]); // a base image is never a site's
  });
});
