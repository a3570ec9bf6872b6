import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { describe, expect, it } from "vitest";
import {
  legacyRouteFileNameOf,
  readRouteFile,
  routeFileNameOf,
  siteIdOfRouteFile,
  siteNameOfLegacyRouteFile,
} from "./read-route-file.js";
import { renderRouteServerBlock } from "./render-edge-config.js";

const env = { topology: "split" as const, edgeListen: "127.0.0.1:8081" };
const id = parseSiteId(42);
const written = renderRouteServerBlock(id, ["hello.sites.localhost"], env);

describe("route file names", () => {
  it("names a site's route file by its id, and an old one by its site name", () => {
    expect(routeFileNameOf(id)).toBe("site-42.conf");
    expect(legacyRouteFileNameOf(parseSiteName("hello"))).toBe("route-hello.conf");
  });

  it.each([
    ["site-42.conf", 42, null],
    ["site-0.conf", null, null],
    ["site-hello.conf", null, null],
    ["route-hello.conf", null, "hello"],
    ["route-42.conf", null, "42"],
    ["route-a-b.conf", null, "a-b"],
    ["00-default.conf", null, null],
    ["route-.conf", null, null],
    ["route-Bad_Name.conf", null, null],
  ])("%s → site id %s, legacy site name %s", (fileName, siteId, siteName) => {
    expect(siteIdOfRouteFile(fileName)).toBe(siteId);
    expect(siteNameOfLegacyRouteFile(fileName)).toBe(siteName);
  });
});

describe("readRouteFile", () => {
  it("reads back what the router wrote, as current", () => {
    expect(readRouteFile(id, written, env)).toEqual({
      siteId: 42,
      hostnames: ["hello.sites.localhost"],
      isCurrent: true,
    });
  });

  it("says a file edited by hand is not current", () => {
    const edited = written.replace("proxy_http_version 1.1;", "proxy_http_version 1.0;");
    expect(readRouteFile(id, edited, env)).toMatchObject({ siteId: 42, isCurrent: false });
  });

  it("says a file under another site's id is not current", () => {
    expect(readRouteFile(parseSiteId(7), written, env).isCurrent).toBe(false);
  });

  it("says any route file is left over in the shared topology", () => {
    expect(readRouteFile(id, written, { ...env, topology: "shared" }).isCurrent).toBe(false);
  });

  it("reads a file without a server_name as not current", () => {
    expect(readRouteFile(id, "server { listen 80; }\n", env)).toEqual({ siteId: 42, hostnames: [], isCurrent: false });
  });

  it("is not fooled by a hostname the router would refuse", () => {
    const bad = written.replace("server_name hello.sites.localhost;", "server_name hello.sites.localhost $host;");
    expect(readRouteFile(id, bad, env)).toMatchObject({ isCurrent: false });
  });
});
