import { afterEach, describe, expect, it } from "vitest";
import { authorization, buildTestOrchestratorApp, testImage } from "../testing/test-app.js";

let current: ReturnType<typeof buildTestOrchestratorApp>;
afterEach(async () => {
  await current.app.close();
});

const recipe = {
  id: 42,
  parent: testImage,
  setupCommands: "",
  installCommandPrefix: "apk add",
  packages: ["jq"],
};
const build = (payload: object) =>
  current.app.inject({ method: "POST", url: "/internal/v1/sites/42/image", headers: authorization, payload });

describe("POST /internal/v1/sites/:id/image", () => {
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
    ["another site's id", { ...recipe, id: 43 }, "VALIDATION_FAILED"],
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
    const anonymous = await current.app.inject({ method: "POST", url: "/internal/v1/sites/42/image", payload: recipe });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("a site's images over its life (fake builder and runtime)", () => {
  const runOn = (image: string) =>
    current.app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/service",
      headers: authorization,
      payload: { id: 42, name: "hello", isEnabled: true, image },
    });

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
    const stopped = await current.app.inject({
      method: "DELETE",
      url: "/internal/v1/sites/42/service",
      headers: authorization,
    });
    expect(stopped.statusCode).toBe(204);
    const deleted = await current.app.inject({
      method: "DELETE",
      url: "/internal/v1/sites/42/directories",
      headers: authorization,
    });
    expect(deleted.statusCode).toBe(204);
    expect([...current.builder.images.keys()]).toEqual([testImage]); // a base image is never a site's
  });
});
