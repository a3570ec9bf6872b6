import { describe, expect, it } from "vitest";
import { renderEdgeDefaultConfig, renderRouteServerBlock } from "./render-edge-config.js";

const page =
  "<!doctype html><html><head><meta charset=utf-8><title>No site here</title></head><body>" +
  "<h1>No site is served at this address</h1><p>Check the address, or ask the site's owner whether it has moved.</p>" +
  "</body></html>";

describe("renderEdgeDefaultConfig", () => {
  it("renders a default server answering 404 (shared topology: no upstream)", () => {
    expect(renderEdgeDefaultConfig({ edgeListen: "127.0.0.1:8081", balancers: null })).toBe(
      `# The edge's default server, written by the Director router; edits here are overwritten.
server {
    listen 127.0.0.1:8081 default_server;
    types { }
    default_type text/html;
    return 404 "${page}";
}
`,
    );
  });

  it("adds the balancers' upstream in the split topology", () => {
    expect(
      renderEdgeDefaultConfig({ edgeListen: "8081", balancers: ["127.0.0.1:8082", "balancer2.internal:8082"] }),
    ).toBe(
      `# The edge's default server, written by the Director router; edits here are overwritten.
upstream director_balancers {
    server 127.0.0.1:8082;
    server balancer2.internal:8082;
    keepalive 64;
}
server {
    listen 8081 default_server;
    types { }
    default_type text/html;
    return 404 "${page}";
}
`,
    );
  });

  it.each([
    [{ edgeListen: "8081 ssl", balancers: null }],
    [{ edgeListen: "8081", balancers: ["127.0.0.1:8082; evil"] }],
    [{ edgeListen: "8081", balancers: ["127.0.0.1"] }],
    [{ edgeListen: "8081", balancers: ["bad host:80"] }],
  ])("refuses a bad address %#", (env) => {
    expect(() => renderEdgeDefaultConfig(env)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});

describe("renderRouteServerBlock", () => {
  it("proxies the site's hostnames to the balancers with the Host kept", () => {
    expect(
      renderRouteServerBlock(42, ["hello.sites.localhost"], { edgeListen: "127.0.0.1:8081" }),
    ).toBe(`# Route of site 42, written by the Director router; edits here are overwritten.
server {
    listen 127.0.0.1:8081;
    server_name hello.sites.localhost;
    client_max_body_size 0;
    proxy_request_buffering off;
    location / {
        proxy_pass http://director_balancers;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
`);
  });

  it.each([
    ["a site id that is not one", 0, ["a.sites.localhost"]],
    ["a hostname with a space", 1, ["hello.sites.localhost evil.org"]],
    ["a hostname with a brace", 1, ["hello}.sites.localhost"]],
    ["a hostname with $", 1, ["$host"]],
  ])("refuses %s", (_label, siteId, hostnames) => {
    expect(() => renderRouteServerBlock(siteId, hostnames, { edgeListen: "8081" })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});
