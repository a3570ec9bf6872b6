import type { InstallationId } from "@director/domain/installation-id";
import { describe, expect, it } from "vitest";
import { siteProcessEventsOf } from "./site-process-events.js";
import { installationLabel, siteIdLabel } from "./swarm-service-spec.js";

const installation = "abc" as InstallationId;
const event = (action: string, id: string, attributes: Record<string, string> = {}, site = "7", owner = "abc") =>
  JSON.stringify({
    Type: "container",
    Action: action,
    Actor: { ID: id, Attributes: { [siteIdLabel]: site, [installationLabel]: owner, ...attributes } },
    timeNano: 1_796_378_700_000_000_000,
  });

describe("siteProcessEventsOf", () => {
  it("counts a die with an error and no kill before it as a crash, and a die after an oom as a kill for memory", () => {
    const events = siteProcessEventsOf(
      [
        event("die", "aaaaaaaaaaaa", { exitCode: "1" }),
        event("oom", "bbbbbbbbbbbb"),
        event("die", "bbbbbbbbbbbb", { exitCode: "137" }),
        event("kill", "cccccccccccc", { signal: "15" }),
        event("die", "cccccccccccc", { exitCode: "143" }),
        event("die", "dddddddddddd", { exitCode: "0" }),
        event("die", "eeeeeeeeeeee", { exitCode: "1" }, "7", "other"),
        event("die", "ffffffffffff", { exitCode: "1" }, "not-a-site"),
        "not json",
        JSON.stringify({ Type: "network", Action: "die", Actor: { ID: "x" } }),
      ],
      installation,
    );
    expect(events).toEqual([
      { siteId: 7, containerId: "aaaaaaaaaaaa", kind: "crash", at: "2026-12-04T10:05:00.000Z", exitCode: 1 },
      { siteId: 7, containerId: "bbbbbbbbbbbb", kind: "oom", at: "2026-12-04T10:05:00.000Z", exitCode: 137 },
    ]);
  });
});
