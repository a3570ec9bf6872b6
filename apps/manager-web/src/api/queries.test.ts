import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { createApi } from "./client";
import type { Http } from "./http";
import { invalidate, queriesOf } from "./queries";

/** The reads of a few pages, cached as if they had been shown. */
function clientWithReads() {
  const never: Http = { request: () => new Promise(() => {}) };
  const queries = queriesOf(createApi(never));
  const client = new QueryClient();
  const keys: Record<string, QueryKey> = {
    annSite: queries.site("ann").queryKey,
    annMembers: queries.siteMembers("ann").queryKey,
    annProcess: queries.siteProcess("ann", "dynamic").queryKey,
    annFiles: queries.siteFiles("ann", "public").queryKey,
    annCss: queries.siteFiles("ann", "public/css").queryKey,
    benSite: queries.site("ben").queryKey,
    siteList: queries.siteList({ limit: 50, offset: 0 }).queryKey,
    requests: queries.siteRequests().queryKey,
    operations: queries.operations({ status: "all", limit: 50, offset: 0 }).queryKey,
    operation7: queries.operation(7).queryKey,
    operation8: queries.operation(8).queryKey,
    images: queries.images().queryKey,
  };
  for (const key of Object.values(keys)) client.setQueryData(key, {});
  const stale = () =>
    Object.entries(keys)
      .filter(([, key]) => client.getQueryState(key)?.isInvalidated)
      .map(([name]) => name)
      .sort();
  return { client, stale };
}

describe("invalidate", () => {
  it("marks what a site's page shows of it and every site list stale after a change of that site", async () => {
    const { client, stale } = clientWithReads();
    await invalidate.site(client, "ann");
    expect(stale()).toEqual(["annCss", "annFiles", "annMembers", "annProcess", "annSite", "siteList"]);
  });

  it("marks only the site's files stale after an upload", async () => {
    const { client, stale } = clientWithReads();
    await invalidate.siteFiles(client, "ann");
    expect(stale()).toEqual(["annCss", "annFiles"]);
  });

  it("marks one folder's listing stale, not its subfolders' (the workspace's file events)", async () => {
    const { client, stale } = clientWithReads();
    await invalidate.siteFolder(client, "ann", "public");
    expect(stale()).toEqual(["annFiles"]);
  });

  it("marks the requests and the site lists stale after a decision (an approval creates a site)", async () => {
    const { client, stale } = clientWithReads();
    await invalidate.siteRequests(client);
    expect(stale()).toEqual(["requests", "siteList"]);
  });

  it("marks one operation and the operation lists stale after its retry", async () => {
    const { client, stale } = clientWithReads();
    await invalidate.operation(client, 7);
    expect(stale()).toEqual(["operation7", "operations"]);
  });
});
