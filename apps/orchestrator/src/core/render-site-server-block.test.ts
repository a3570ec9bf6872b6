import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { describe, expect, it } from "vitest";
import { type RunningSite, renderRunningSiteServerBlock } from "./render-site-server-block.js";

const env = { listen: "127.0.0.1:8081", sitesDomain: "sites.localhost" };
const site: RunningSite = {
  id: parseSiteId(42),
  name: parseSiteName("hello"),
  clientBodyLimitBytes: 2097152,
  upstream: { address: "10.0.9.3", port: 8080 },
};

describe("renderRunningSiteServerBlock", () => {
  it("proxies an enabled dynamic site to its task, with keepalive, upgrade and a clear 502 page", () => {
    const page =
      "<!doctype html><html><head><meta charset=utf-8><title>hello is not answering</title></head><body>" +
      "<h1>hello is not answering</h1><p>The process of the site hello is not answering. If this is your site: " +
      "check its run.sh and its log, and that it listens on &#36;PORT (8080).</p></body></html>";
    const proxy = `        proxy_pass http://site_42_task;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_connect_timeout 1s;
        proxy_read_timeout 120s;
`;
    expect(
      renderRunningSiteServerBlock(site, env),
    ).toBe(`# Site 42 (hello), written by the Director orchestrator; edits here are overwritten.
upstream site_42_task {
    server 10.0.9.3:8080;
    keepalive 128;
    keepalive_timeout 60s;
}
server {
    listen 127.0.0.1:8081;
    server_name hello.sites.localhost;
    client_max_body_size 2097152;
    location / {
        error_page 502 504 =502 @process_not_answering;
        error_page 418 = @upgrade;
        recursive_error_pages on;
        if ($http_upgrade) {
            return 418;
        }
${proxy}        proxy_set_header Connection "";
    }
    location @upgrade {
        error_page 502 504 =502 @process_not_answering;
${proxy}        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
    location @process_not_answering {
        types { }
        default_type text/html;
        add_header Cache-Control "no-store" always;
        return 502 "${page}";
    }
}
`);
  });

  it.each([
    ["an address with a leading zero", { address: "10.0.09.3", port: 8080 }],
    ["an address with a part over 255", { address: "10.0.256.3", port: 8080 }],
    ["an address with three parts", { address: "10.0.3", port: 8080 }],
    ["an IPv6 address", { address: "fd00::3", port: 8080 }],
    ["an address with a directive", { address: "10.0.9.3; include /etc/passwd", port: 8080 }],
    ["an address with a newline", { address: "10.0.9.3\n", port: 8080 }],
    ["a host name", { address: "example.com", port: 8080 }],
    ["port 0", { address: "10.0.9.3", port: 0 }],
    ["port 65536", { address: "10.0.9.3", port: 65536 }],
    ["a fractional port", { address: "10.0.9.3", port: 80.5 }],
  ])("refuses an upstream with %s", (_label, upstream) => {
    expect(() => renderRunningSiteServerBlock({ ...site, upstream }, env)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });

  it.each([
    ["a name with a semicolon", { ...site, name: "a;b" }, env, "SITE_NAME_INVALID"],
    ["a name with a brace", { ...site, name: "x}server{" }, env, "SITE_NAME_INVALID"],
    ["a name with a space", { ...site, name: "a b" }, env, "SITE_NAME_INVALID"],
    ["a non-positive id", { ...site, id: 0 }, env, "VALIDATION_FAILED"],
    ["a fractional body limit", { ...site, clientBodyLimitBytes: 1.5 }, env, "VALIDATION_FAILED"],
    ["a domain with a space", site, { ...env, sitesDomain: "sites.localhost; x" }, "VALIDATION_FAILED"],
    ["a listen with an option", site, { ...env, listen: "8081 default_server" }, "CONFIG_INVALID"],
  ])("refuses %s", (_label, badSpec, badEnv, code) => {
    expect(() => renderRunningSiteServerBlock(badSpec as RunningSite, badEnv)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});
