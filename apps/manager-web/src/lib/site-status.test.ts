import type { OperationView } from "@director/contracts/manager-api";
import { describe, expect, it } from "vitest";
import { siteDot } from "./site-status";

const operation = (status: OperationView["status"]): OperationView => ({
  id: 1,
  kind: "create_site",
  siteId: 1,
  siteName: "blog",
  status,
  createdAt: "2026-01-01T00:00:00Z",
  startedAt: null,
  finishedAt: null,
  error: null,
  steps: [],
});
const ready = { type: "dynamic" as const, availability: "enabled" as const, isReady: true, operation: null };

describe("siteDot", () => {
  it("says an operation in progress first, in words", () => {
    expect(siteDot({ ...ready, operation: operation("running") }, { state: "running", message: "" })).toEqual({
      state: "busy",
      label: "create site in progress",
    });
  });
  it("shows a failed last operation", () => {
    expect(siteDot({ ...ready, operation: operation("failed") }, undefined).state).toBe("down");
  });
  it("shows availability before the process", () => {
    expect(siteDot({ ...ready, availability: "disabled" }, { state: "running", message: "" })).toEqual({
      state: "off",
      label: "disabled by an administrator",
    });
    expect(siteDot({ ...ready, availability: "not-served" }, undefined).label).toBe("not served");
  });
  it("shows a site not set up yet as busy, a ready static site as served", () => {
    expect(siteDot({ ...ready, isReady: false }, undefined).state).toBe("busy");
    expect(siteDot({ ...ready, type: "static", operation: operation("succeeded") }, undefined)).toEqual({
      state: "ok",
      label: "served (static)",
    });
  });
  it("follows a dynamic site's process", () => {
    expect(siteDot(ready, undefined).state).toBe("unknown");
    expect(siteDot(ready, { state: "running", message: "" }).state).toBe("ok");
    expect(siteDot(ready, { state: "starting", message: "" }).state).toBe("busy");
    expect(siteDot(ready, { state: "stopped", message: "" }).state).toBe("off");
    expect(siteDot(ready, { state: "absent", message: "" }).label).toBe("no process");
    expect(siteDot(ready, { state: "failed", message: "exit 1" }).state).toBe("down");
  });
});
