import { describe, expect, it } from "vitest";
import { extractNginxErrors } from "./nginx-output.js";

describe("extractNginxErrors", () => {
  it("keeps the error lines of `nginx -t -e stderr` without timestamp and pid", () => {
    const stderr = [
      '2026/11/25 23:49:08 [emerg] 11732#11732: unknown directive "bogus" in /srv/sites/b.conf:1',
      "nginx: configuration file /srv/nginx.conf test failed",
      "",
    ].join("\n");
    expect(extractNginxErrors(stderr)).toBe('[emerg] unknown directive "bogus" in /srv/sites/b.conf:1');
  });

  it("keeps the error lines of `nginx -t` with the 'nginx:' prefix", () => {
    const stderr = 'nginx: [emerg] "server" directive is not allowed here in /x/a.conf:2\nnginx: test failed\n';
    expect(extractNginxErrors(stderr)).toBe('[emerg] "server" directive is not allowed here in /x/a.conf:2');
  });

  it("joins several error lines and ignores warnings", () => {
    const log = [
      "2026/11/25 23:49:29 [warn] 1#1: conflicting server name",
      "2026/11/25 23:49:29 [emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)",
      "2026/11/25 23:49:31 [emerg] 1#1: still could not bind()",
    ].join("\n");
    expect(extractNginxErrors(log)).toBe(
      "[emerg] bind() to 127.0.0.1:80 failed (98: Address already in use)\n[emerg] still could not bind()",
    );
  });

  it("returns null when there is no error line", () => {
    expect(extractNginxErrors("nginx: the configuration file /x syntax is ok\n")).toBeNull();
  });
});
