import { describe, expect, it } from "vitest";
import { renderSharedSiteServer } from "./render-shared-site-server.js";

const env = {
  listen: "127.0.0.1:8081",
  sitesDomain: "sites.localhost",
  indexDir: "/srv/director/nginx/site-index",
  clientBodyLimitBytes: 2097152,
};

const page = (title: string, message: string) =>
  `<!doctype html><html><head><meta charset=utf-8><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`;

/** The server the renderer writes for one kind of name: `entry` is where the captured `variable` leads in the index. */
function expectedServer(serverName: string, entry: string, variable: string, moved = ""): string {
  const name = `\${${variable}}`;
  return `server {
    listen 127.0.0.1:8081;
    server_name ${serverName};
    client_max_body_size 2097152;
${moved}    disable_symlinks on from=${entry}/site;
    root ${entry}/site/public;
    index index.html index.htm;
    location / {
        try_files $uri $uri/ @not_served;
    }
    location @not_served {
        disable_symlinks off;
        types { }
        default_type text/html;
        add_header Cache-Control "no-store" always;
        if (-f ${entry}/disabled) {
            return 503 "${page(`${name} is not being served`, `The site ${name} exists but is not being served right now.`)}";
        }
        if (-f ${entry}/not-running) {
            return 503 "${page(`${name} is not running`, `The process of the site ${name} is not running. If this is your site: check its run.sh and its log, and restart it.`)}";
        }
        if (-d ${entry}/site) {
            return 404;
        }
        return 404 "${page("No site here", "No site is served at this address. Check the address, or ask the site's owner whether it has moved.")}";
    }
}`;
}

/** The maps of renamed sites' old names (`entries`: their lines), the port kept and the edge's scheme. */
function expectedMaps(entries: string[] = []): string {
  return [
    "map $director_site $director_moved_to {",
    '    default "";',
    ...entries,
    "}",
    "map $http_host $director_host_port {",
    '    default "";',
    '    "~^[^:]+(?<port>:[0-9]{1,5})$" $port;',
    "}",
    "map $http_x_forwarded_proto $director_moved_scheme {",
    "    default $scheme;",
    "    http http;",
    "    https https;",
    "}",
  ].join("\n");
}

const movedLines = `    if ($director_moved_to != "") {
        return 301 $director_moved_scheme://$director_moved_to.sites.localhost$director_host_port$request_uri;
    }
`;

describe("renderSharedSiteServer", () => {
  it("serves every site by name and by its own domains from the index, with notices for sites whose files are not served", () => {
    expect(renderSharedSiteServer(env)).toBe(
      [
        "# Every site without a server block of its own, written by the Director orchestrator; edits here are overwritten.",
        expectedMaps(),
        expectedServer(
          "~^(?<director_site>[a-z0-9]+(?:-[a-z0-9]+)*)\\.sites\\.localhost$",
          "/srv/director/nginx/site-index/names/$director_site",
          "director_site",
          movedLines,
        ),
        "# Sites' own domains. nginx has lowercased the host and refused one with `/` or `..`; the capture allows",
        "# only the hostname grammar, so it names a link in the index's domains and nothing else.",
        expectedServer(
          "~^(?<director_domain>[a-z0-9-]+(?:\\.[a-z0-9-]+)+)$",
          "/srv/director/nginx/site-index/domains/$director_domain",
          "director_domain",
        ),
        "",
      ].join("\n"),
    );
  });

  it("redirects renamed sites' old names through the map, and refuses a name outside the grammar", () => {
    const rendered = renderSharedSiteServer({ ...env, redirects: [{ from: "old-name", to: "new-name" }] });
    expect(rendered).toContain(expectedMaps(["    old-name new-name;"]));
    expect(() => renderSharedSiteServer({ ...env, redirects: [{ from: "x; return 200", to: "new" }] })).toThrow(
      expect.objectContaining({ code: "SITE_NAME_INVALID" }),
    );
  });

  it.each([
    ["a domain with a space", { ...env, sitesDomain: "sites.localhost; x" }, "VALIDATION_FAILED"],
    ["a domain with a regex character", { ...env, sitesDomain: "sites.local*" }, "VALIDATION_FAILED"],
    ["a listen with an option", { ...env, listen: "8081 default_server" }, "CONFIG_INVALID"],
    ["a relative index directory", { ...env, indexDir: "srv/index" }, "CONFIG_INVALID"],
    ["an index directory with a dollar", { ...env, indexDir: "/srv/$host" }, "CONFIG_INVALID"],
    ["an index directory with a semicolon", { ...env, indexDir: "/srv/a;b" }, "CONFIG_INVALID"],
    ["an index directory with ..", { ...env, indexDir: "/srv/../etc" }, "CONFIG_INVALID"],
    ["a fractional body limit", { ...env, clientBodyLimitBytes: 1.5 }, "CONFIG_INVALID"],
  ])("refuses %s", (_label, badEnv, code) => {
    expect(() => renderSharedSiteServer(badEnv)).toThrow(expect.objectContaining({ code }));
  });
});
