import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { getWithHost } from "@director/testing/http-get";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { acmeChallengePathPrefix, parseAcmeChallengeToken } from "../core/acme-challenge.js";
import { FsChallengeDirectory } from "./challenge-directory.js";

const log = pino({ level: "silent" });
const hostname = "shop.example.test";
const token = parseAcmeChallengeToken("LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0");
const keyAuthorization = `${token}.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI`;

let nginx: TestNginx;
let challengeRoot: string;
let challenges: FsChallengeDirectory;

/**
 * The block the edge writes for HTTP-01: the location this adapter's layout is made for. Without
 * `open_file_cache off`, the main config's file cache would keep serving a replaced or withdrawn token for up to
 * open_file_cache_valid (new tokens are found at once: errors are not cached).
 */
function challengeServerBlock(port: number, root: string): string {
  return `server {
    listen 127.0.0.1:${port};
    server_name ${hostname};
    location ^~ ${acmeChallengePathPrefix} {
        root ${root};
        default_type text/plain;
        open_file_cache off;
    }
    location / { return 404; }
}
`;
}

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-challenges-", includeDirNames: ["sites"], log });
  challengeRoot = path.join(nginx.root, "acme-challenges");
  challenges = new FsChallengeDirectory(challengeRoot);
  await new NginxConfigStore(nginx.confDirs.sites ?? "", nginx.server, log).put(
    parseNginxConfigFileName("challenges.conf"),
    challengeServerBlock(nginx.port, challengeRoot),
  );
});

afterAll(async () => {
  await nginx?.server.stop();
  if (nginx !== undefined) await rm(nginx.root, { recursive: true, force: true });
});

const tokenUrlPath = `${acmeChallengePathPrefix}${token}`;
const tokenFile = () => path.join(challengeRoot, ".well-known", "acme-challenge", token);

describe("FsChallengeDirectory behind nginx", () => {
  const previousUmask = process.umask();
  afterEach(() => {
    process.umask(previousUmask);
  });

  it("publishes a key authorization that nginx serves at the well-known path, readable by its workers", async () => {
    process.umask(0o077); // a root shell's strict umask must not hide the token from nginx's unprivileged workers
    await challenges.put(token, keyAuthorization);

    const answer = await getWithHost(nginx.port, hostname, tokenUrlPath);
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe(keyAuthorization);
    expect(answer.headers["content-type"]).toBe("text/plain");
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o644);
    expect((await stat(path.join(challengeRoot, ".well-known"))).mode & 0o777).toBe(0o755);
    expect((await stat(path.join(challengeRoot, ".well-known", "acme-challenge"))).mode & 0o777).toBe(0o755);
  });

  it("replaces a token's content by renaming a new file over it, leaving no temporary file", async () => {
    await challenges.put(token, keyAuthorization);
    const before = await stat(tokenFile());
    await challenges.put(token, `${keyAuthorization}-second`);

    expect((await stat(tokenFile())).ino).not.toBe(before.ino);
    expect(await readFile(tokenFile(), "utf8")).toBe(`${keyAuthorization}-second`);
    expect(await readdir(path.dirname(tokenFile()))).toEqual([token]);
    expect((await getWithHost(nginx.port, hostname, tokenUrlPath)).body.toString()).toBe(`${keyAuthorization}-second`);
  });

  it("withdraws a token, and removing it again is a no-op", async () => {
    await challenges.put(token, keyAuthorization);
    await challenges.remove(token);
    await challenges.remove(token);

    expect((await getWithHost(nginx.port, hostname, tokenUrlPath)).status).toBe(404);
    expect(await readdir(path.dirname(tokenFile()))).toEqual([]);
  });

  it("removes a token that was never published without complaint, before the directories exist", async () => {
    const fresh = new FsChallengeDirectory(path.join(nginx.root, "never-used"));
    await expect(fresh.remove(token)).resolves.toBeUndefined();
  });

  it("refuses a relative root, which nginx would resolve against its own prefix", () => {
    expect(() => new FsChallengeDirectory("acme-challenges")).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
  });
});
