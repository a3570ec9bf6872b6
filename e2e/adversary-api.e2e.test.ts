/**
 * An adversary against a real `director up`'s API: NUL (U+0000) and other nasty values (malformed percent-encodings,
 * overlong strings, invalid JSON, wrong types) in every path parameter, query parameter and body field of every
 * `/api` route, as an administrator, a student and nobody. The routes come from the manager's own route table and the
 * body fields from packages/contracts (support/adversary-corpus.ts), so new ones are covered without a list here.
 * Not one answer may be a 5xx, and every refusal must carry the `{"error":{"code","message"}}` body.
 */

import { rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import * as managerApi from "@director/contracts/manager-api";
import * as managerParams from "@director/contracts/manager-params";
import * as managerDatabaseHosts from "@director/contracts/manager-routes-database-hosts";
import * as managerDomains from "@director/contracts/manager-routes-domains";
import * as managerSiteDatabases from "@director/contracts/manager-routes-site-databases";
import * as managerSiteSettings from "@director/contracts/manager-site-settings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  type ApiRoute,
  bodyProbes,
  genericBodies,
  type Probe,
  pathProbes,
  queryProbes,
  routesFromLog,
  schemaBodies,
} from "./support/adversary-corpus.js";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";
/** Requests in flight at once (the machine has two cores, shared with `director up`). */
const concurrency = 6;
const requestTimeoutMs = 15_000;
/** Fastify's default JSON body limit, which the manager's JSON routes keep (an upload route takes more). */
const bodyLimitBytes = 1024 * 1024;
/** The status recorded when the server closed the connection on a body over its limit before we read its 413. */
const closedOnOversizedBody = -1;

/** What a path parameter is when it is not the one under attack: things that exist, so handlers get far. */
const samples: Record<string, string> = {
  name: "sam",
  username: "nobody-here",
  domain: "www.example.org",
  id: "1",
  "*": "public/corpus.txt",
};
const sample = (parameter: string) => samples[parameter] ?? "corpus";

/** The contracts of the manager's API (packages/contracts): its request, query and parameter schemas. */
const contracts = [
  ...Object.entries(managerApi),
  ...Object.entries(managerParams),
  ...Object.entries(managerSiteSettings),
  ...Object.entries(managerDomains),
  ...Object.entries(managerDatabaseHosts),
  ...Object.entries(managerSiteDatabases),
] as Array<[string, z.ZodType]>;

/** Every request body the manager parses. */
const requestSchemas = contracts.filter(([name]) => name.endsWith("RequestSchema"));

/** Every query parameter a schema names. */
const queryNames = [
  ...new Set(
    contracts
      .filter(([name]) => name.endsWith("QuerySchema"))
      .flatMap(([, schema]) => Object.keys((schema as z.ZodObject).shape)),
  ),
];

interface Answer {
  status: number;
  text: string;
}

describe("director up against an adversary: bad input on every API route", () => {
  let director: DirectorProcess;
  let routes: ApiRoute[];
  const tokens: Record<string, string | null> = { admin: null, sam: null, anonymous: null };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

  beforeAll(async () => {
    director = await DirectorProcess.create({
      // the route table is logged at debug level
      DIRECTOR_LOG_LEVEL: "debug",
      // the corpus logs in thousands of times on purpose: the login limit would answer 429 before the schema runs
      DIRECTOR_LOGIN_MAX_PER_IP: "1000000",
      DIRECTOR_LOGIN_MAX_PER_USERNAME: "1000000",
      // Site databases on the machine's PostgreSQL 15 (registered below), whose pg_dump this machine has, rather than
      // director up's own host.
      DIRECTOR_LOCAL_DATABASE_HOST: "false",
    });
    await director.start();
    for (const [username, flags] of [
      ["admin", ["--superuser"]],
      ["sam", ["--role", "student"]],
    ] as const) {
      const created = await director.run(["admin", "create-user", "--username", username, ...flags], `${password}\n`);
      expect(created.code, created.stderr).toBe(0);
      tokens[username] = (await ApiSession.login(director.managerUrl, username, password)).token;
    }
    const admin = new ApiSession(director.managerUrl, tokens.admin ?? "");
    const host = await admin.request("POST", "/api/admin/database-hosts", {
      json: {
        name: "machine-pg",
        kind: "postgres",
        siteHost: "127.0.0.1",
        sitePort: 5432,
        adminUrl: process.env.DIRECTOR_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
        maxDatabases: 10,
      },
    });
    expect(host.status, host.text).toBe(201);
    const sam = new ApiSession(director.managerUrl, tokens.sam ?? "");
    const created = await sam.request("POST", "/api/sites?wait=true", { json: { purpose: "personal" } });
    expect(created.status, created.text).toBe(201);
    routes = routesFromLog(director.output).filter((route) => route.url.startsWith("/api/"));
  });

  afterAll(async () => {
    agent.destroy();
    // the database the corpus may have made for sam's site, on the machine's server
    if (director && tokens.sam) {
      const sam = new ApiSession(director.managerUrl, tokens.sam);
      await sam.request("DELETE", "/api/sites/sam/database?wait=true", { json: { confirmName: "sam" } });
    }
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  function send(probe: Probe, token: string | null): Promise<Answer> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (probe.body !== undefined) {
      headers["content-type"] = probe.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(probe.body));
    }
    return new Promise((resolve, reject) => {
      let hasAnswer = false;
      const outgoing = request(
        { host: "127.0.0.1", port: director.ports.manager, method: probe.method, path: probe.path, headers, agent },
        (incoming) => {
          hasAnswer = true;
          // A stream that was accepted (a followed log, file events) runs until its client leaves: its status is the
          // answer, and the connection is closed at once.
          if (/^text\/event-stream/.test(incoming.headers["content-type"] ?? "") && (incoming.statusCode ?? 0) < 400) {
            resolve({ status: incoming.statusCode ?? 0, text: "" });
            incoming.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("end", () =>
            resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          incoming.on("error", reject);
        },
      );
      outgoing.setTimeout(requestTimeoutMs, () => outgoing.destroy(new Error(`no answer in ${requestTimeoutMs} ms`)));
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        if (hasAnswer) return;
        // The server refused a body over its limit and closed the connection before reading it all (its 413 may be
        // lost with the connection): a refusal that changed nothing, not a fault. Any other body must be answered.
        const isOverLimit = Buffer.byteLength(probe.body ?? "") > bodyLimitBytes;
        if (isOverLimit && (error.code === "EPIPE" || error.code === "ECONNRESET")) {
          return resolve({ status: closedOnOversizedBody, text: error.code });
        }
        reject(error);
      });
      outgoing.end(probe.body);
    });
  }

  /** What is wrong with an answer: a 5xx, or a refusal without the error body; null when it is fine. */
  function faultOf(answer: Answer): string | null {
    if (answer.status === closedOnOversizedBody) return null;
    if (answer.status >= 500) return `${answer.status}: ${answer.text.slice(0, 200)}`;
    if (answer.status < 400) return null;
    try {
      const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === "string" && typeof body.error.message === "string") return null;
    } catch (error) {
      return `${answer.status} with a body that is not JSON (${(error as Error).message}): ${answer.text.slice(0, 200)}`;
    }
    return `${answer.status} without the error body: ${answer.text.slice(0, 200)}`;
  }

  /** A session the corpus ended (POST /api/auth/logout with a valid body does) is opened again. */
  async function keepLoggedIn(): Promise<void> {
    for (const username of ["admin", "sam"]) {
      const me = await send({ method: "GET", path: "/api/auth/me", what: "" }, tokens[username] ?? null);
      if (me.status === 401) tokens[username] = (await ApiSession.login(director.managerUrl, username, password)).token;
    }
  }

  it("answers every bad request with a 4xx and the error body, never a 5xx", async () => {
    // the table is the app's own: these are a sample of what it must hold, not the list attacked
    expect(routes.length).toBeGreaterThanOrEqual(45);
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: "POST", url: "/api/auth/login" },
        { method: "PUT", url: "/api/sites/:name/files/*" },
        { method: "GET", url: "/api/operations/:id/events" },
      ]),
    );
    expect(queryNames).toEqual(expect.arrayContaining(["q", "limit", "wait", "actor", "before", "status"]));
    const bodies = [...genericBodies(), ...schemaBodies(requestSchemas)];

    const faults: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = Date.now();
    for (const route of routes) {
      const takesBody = route.method !== "GET";
      const work: Array<[string, Probe]> = [];
      for (const who of ["admin", "sam", "anonymous"]) {
        const isAnonymous = who === "anonymous";
        for (const probe of pathProbes(route, sample)) work.push([who, probe]);
        // nobody gets past authentication on most routes: the whole corpus is for the two accounts
        const names = isAnonymous ? queryNames.slice(0, 3) : queryNames;
        for (const probe of queryProbes(route, names, sample)) work.push([who, probe]);
        if (takesBody) {
          for (const probe of bodyProbes(route, isAnonymous ? genericBodies() : bodies, sample))
            work.push([who, probe]);
        }
      }
      let next = 0;
      const worker = async () => {
        for (let item = work[next++]; item !== undefined; item = work[next++]) {
          const [who, probe] = item;
          sent += 1;
          try {
            const answer = await send(probe, tokens[who] ?? null);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            const fault = faultOf(answer);
            if (fault) faults.push(`${who} ${probe.method} ${probe.path.slice(0, 120)} (${probe.what}) → ${fault}`);
          } catch (error) {
            faults.push(
              `${who} ${probe.method} ${probe.path.slice(0, 120)} (${probe.what}) → ${(error as Error).message}`,
            );
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      await keepLoggedIn();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `adversary: ${sent} requests over ${routes.length} routes in ${seconds.toFixed(1)} s; statuses`,
      Object.fromEntries(statuses),
    );

    expect(faults.slice(0, 30), `${faults.length} faults`).toEqual([]);
    // the corpus was refused, not waved through: most answers are refusals, many of them 400s
    expect(statuses.get(400) ?? 0).toBeGreaterThan(sent / 3);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    // The work grows with every route and every query name the API has (26,722 requests over 78 routes took 144 s on
    // 2 cores): more time than the e2e default, so a new route does not turn into a timeout.
  }, 420_000);
});
