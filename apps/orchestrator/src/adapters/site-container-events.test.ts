import type { InstallationId } from "@director/domain/installation-id";
import { describe, expect, it } from "vitest";
import { LineSplitter, parseSiteContainerEvent } from "./site-container-events.js";

const event = (
  overrides: Record<string, unknown> = {},
  labels: Record<string, string> = { "org.director.site-id": "42", "org.director.installation": "lab1" },
) => JSON.stringify({ Type: "container", Action: "start", Actor: { ID: "abc", Attributes: labels }, ...overrides });

const installation = "lab1" as InstallationId;

describe("parseSiteContainerEvent", () => {
  it.each(["start", "die"] as const)("reads a site container's %s", (action) => {
    expect(parseSiteContainerEvent(event({ Action: action }), installation)).toEqual({ siteId: 42, action });
  });

  it.each([
    ["another action", event({ Action: "kill" })],
    ["another type", event({ Type: "network" })],
    ["no site id label", event({}, { "com.docker.swarm.service.name": "x" })],
    ["a site id label of 0", event({}, { "org.director.site-id": "0", "org.director.installation": "lab1" })],
    ["a site id label with text", event({}, { "org.director.site-id": "42; rm", "org.director.installation": "lab1" })],
    [
      "another installation's container",
      event({}, { "org.director.site-id": "42", "org.director.installation": "lab2" }),
    ],
    ["a container without an installation", event({}, { "org.director.site-id": "42" })],
    ["no Actor", JSON.stringify({ Type: "container", Action: "start" })],
    ["a line that is not JSON", "{not json"],
    ["a JSON array", "[]"],
  ])("ignores %s", (_label, line) => {
    expect(parseSiteContainerEvent(line, installation)).toBeNull();
  });
});

describe("LineSplitter", () => {
  it("keeps a line cut between chunks until its end arrives, and skips blank lines", () => {
    const lines = new LineSplitter();
    expect(lines.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(lines.push(":2}\n\n")).toEqual(['{"b":2}']);
    expect(lines.push('{"c":3}')).toEqual([]);
    expect(lines.push("\n")).toEqual(['{"c":3}']);
  });
});
