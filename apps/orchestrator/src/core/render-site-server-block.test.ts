import type { BalancerSiteSpec } from "@director/contracts/orchestrator-api";
import { describe, expect, it } from "vitest";
import { renderSiteServerBlock } from "./render-site-server-block.js";

const env = { listen: "127.0.0.1:8081", sitesDomain: "sites.localhost", siteDirectory: "/srv/director/sites/42" };
const spec: Required<BalancerSiteSpec> = {
  id: 42,
  name: "hello",
  type: "static",
  availability: "enabled",
  clientBodyLimitBytes: 2097152,
};

const head = `# Site 42 (hello), written by the Director orchestrator; edits here are overwritten.
server {
    listen 127.0.0.1:8081;
    server_name hello.sites.localhost;
    client_max_body_size 2097152;
    disable_symlinks on;
`;

const notServedPage =
  "<!doctype html><html><head><meta charset=utf-8><title>hello is not being served</title></head><body>" +
  "<h1>hello is not being served</h1><p>The site hello exists but is not being served right now.</p></body></html>";

describe("renderSiteServerBlock", () => {
  it("serves an enabled static site's public directory", () => {
    expect(renderSiteServerBlock(spec, env)).toBe(`${head}    root /srv/director/sites/42/public;
    index index.html index.htm;
    location / {
        try_files $uri $uri/ =404;
    }
}
`);
  });

  it.each(["not-served", "disabled"] as const)("answers a 503 notice and no files when %s", (availability) => {
    expect(renderSiteServerBlock({ ...spec, availability }, env)).toBe(`${head}    types { }
    default_type text/html;
    add_header Cache-Control "no-store" always;
    return 503 "${notServedPage}";
}
`);
  });

  it("answers a 503 notice for a dynamic site until dynamic sites exist", () => {
    const page =
      "<!doctype html><html><head><meta charset=utf-8><title>hello is not available yet</title></head><body>" +
      "<h1>hello is not available yet</h1><p>The site hello exists, but dynamic sites are not available yet.</p></body></html>";
    expect(renderSiteServerBlock({ ...spec, type: "dynamic" }, env)).toBe(`${head}    types { }
    default_type text/html;
    add_header Cache-Control "no-store" always;
    return 503 "${page}";
}
`);
  });

  it("never renders the site directory for a site that is not served", () => {
    expect(renderSiteServerBlock({ ...spec, availability: "disabled" }, env)).not.toContain("/srv/director");
  });

  it.each([
    ["a name with a semicolon", { ...spec, name: "a;b" }, env, "SITE_NAME_INVALID"],
    ["a name with a brace", { ...spec, name: "x}server{" }, env, "SITE_NAME_INVALID"],
    ["a name with a space", { ...spec, name: "a b" }, env, "SITE_NAME_INVALID"],
    ["a non-positive id", { ...spec, id: 0 }, env, "VALIDATION_FAILED"],
    ["a fractional body limit", { ...spec, clientBodyLimitBytes: 1.5 }, env, "VALIDATION_FAILED"],
    ["a domain with a space", spec, { ...env, sitesDomain: "sites.localhost; x" }, "VALIDATION_FAILED"],
    ["a listen with an option", spec, { ...env, listen: "8081 default_server" }, "CONFIG_INVALID"],
    ["a relative directory", spec, { ...env, siteDirectory: "srv/sites/42" }, "CONFIG_INVALID"],
    ["a directory with a space", spec, { ...env, siteDirectory: "/srv/my sites/42" }, "CONFIG_INVALID"],
    ["a directory with a semicolon", spec, { ...env, siteDirectory: "/srv/a;b/42" }, "CONFIG_INVALID"],
    ["a directory with a dollar", spec, { ...env, siteDirectory: "/srv/$host/42" }, "CONFIG_INVALID"],
    ["a directory with a quote", spec, { ...env, siteDirectory: '/srv/"a/42' }, "CONFIG_INVALID"],
    ["a directory with braces", spec, { ...env, siteDirectory: "/srv/{a}/42" }, "CONFIG_INVALID"],
    ["a directory with ..", spec, { ...env, siteDirectory: "/srv/../etc" }, "CONFIG_INVALID"],
  ])("refuses %s", (_label, badSpec, badEnv, code) => {
    expect(() => renderSiteServerBlock(badSpec as Required<BalancerSiteSpec>, badEnv)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});
