import { describe, expect, it } from "vitest";
import { renderManagerServer } from "./render-manager-server.js";

const env = {
  host: "director.school.test",
  httpListen: "0.0.0.0:80",
  tlsListen: "0.0.0.0:443",
  upstream: "127.0.0.1:8080",
  certificatePath: "/var/lib/director/router/certificates/director.school.test/fullchain.pem",
  keyPath: "/var/lib/director/router/certificates/director.school.test/privkey.pem",
  fingerprint: "a".repeat(64),
  challengesRoot: "/var/lib/director/router/acme-challenges",
  clientBodyLimitBytes: 11 * 1024 * 1024,
  hstsMaxAgeSeconds: 0,
};

describe("renderManagerServer", () => {
  it("proxies the host over HTTPS with its certificate, WebSockets included, and sends HTTP there", () => {
    const text = renderManagerServer(env);
    expect(text).toContain("listen 0.0.0.0:443 ssl http2;");
    expect(text).toContain(`# certificate sha256 ${"a".repeat(64)}`);
    expect(text).toContain("proxy_pass http://127.0.0.1:8080;");
    expect(text).toContain("proxy_set_header Host $http_host;");
    expect(text).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(text).toContain("proxy_set_header X-Forwarded-For $remote_addr;");
    expect(text).toContain("return 301 https://$host$request_uri;");
    // The manager is no site: its requests stay out of the traffic log.
    expect(text).toContain("    access_log off;\n    location / {");
    expect(text).toContain("root /var/lib/director/router/acme-challenges;");
    expect(text.match(/server_name director\.school\.test;/g)).toHaveLength(2);
    expect(text).not.toContain("Strict-Transport-Security");
    expect(renderManagerServer({ ...env, hstsMaxAgeSeconds: 3600 })).toContain(
      'add_header Strict-Transport-Security "max-age=3600" always;',
    );
  });

  it("names the HTTPS port in the redirect unless it is 443, and has no challenge with given files", () => {
    const text = renderManagerServer({ ...env, tlsListen: "127.0.0.1:8443", challengesRoot: null });
    expect(text).toContain("return 301 https://$host:8443$request_uri;");
    expect(text).not.toContain("acme-challenge");
  });

  it.each([
    ["a host with nginx syntax", { host: "director.test; return 200" }],
    ["a path with a space", { certificatePath: "/etc/my cert.pem" }],
    ["a relative path", { keyPath: "key.pem" }],
    ["a fingerprint that is not one", { fingerprint: "abc;" }],
  ])("refuses %s", (_label, change) => {
    expect(() => renderManagerServer({ ...env, ...change })).toThrow();
  });
});
