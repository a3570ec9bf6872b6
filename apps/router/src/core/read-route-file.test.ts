import { describe, expect, it } from "vitest";
import { readRouteFile, siteNameOfRouteFile } from "./read-route-file.js";
import { renderRouteServerBlock } from "./render-edge-config.js";

const env = { topology: "split" as const, edgeListen: "127.0.0.1:8081" };
const written = renderRouteServerBlock("hello", { siteId: 42, hostnames: ["hello.sites.localhost"] }, env);

describe("siteNameOfRouteFile", () => {
  it.each([
    ["route-hello.conf", "hello"],
    ["route-a-b.conf", "a-b"],
    ["00-default.conf", null],
    ["route-.conf", null],
    ["route-Bad_Name.conf", null],
  ])("%s → %s", (fileName, expected) => {
    expect(siteNameOfRouteFile(fileName)).toBe(expected);
  });
});

describe("readRouteFile", () => {
  it("reads back what the router wrote, as current", () => {
    expect(readRouteFile("hello", written, env)).toEqual({
      siteName: "hello",
      siteId: 42,
      hostnames: ["hello.sites.localhost"],
      isCurrent: true,
    });
  });

  it("says a file edited by hand is not current", () => {
    const edited = written.replace("proxy_http_version 1.1;", "proxy_http_version 1.0;");
    expect(readRouteFile("hello", edited, env)).toMatchObject({ siteId: 42, isCurrent: false });
  });

  it("says a file under another site's name is not current", () => {
    expect(readRouteFile("other", written, env).isCurrent).toBe(false);
  });

  it("says any route file is left over in the shared topology", () => {
    expect(readRouteFile("hello", written, { ...env, topology: "shared" }).isCurrent).toBe(false);
  });

  it("reads a file without the header or server_name as unknown, not current", () => {
    expect(readRouteFile("hello", "server { listen 80; }\n", env)).toEqual({
      siteName: "hello",
      siteId: null,
      hostnames: [],
      isCurrent: false,
    });
  });

  it("is not fooled by a hostname the router would refuse", () => {
    const bad = written.replace("server_name hello.sites.localhost;", "server_name hello.sites.localhost $host;");
    expect(readRouteFile("hello", bad, env)).toMatchObject({ isCurrent: false });
  });
});
