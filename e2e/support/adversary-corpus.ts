/**
 * Bad requests for every route of a running manager: NUL (U+0000) and other nasty values in each path parameter,
 * query parameter and body field, malformed percent-encodings, overlong strings, invalid JSON and wrong types. The
 * routes come from the manager's own route table (logged at start, level debug), the body fields from the request
 * schemas in packages/contracts, so a new route or field is attacked without anyone listing it here.
 */
import { type FieldPath, leavesOf, sampleOf, withFieldAt } from "@director/testing/schema-corpus";
import type { z } from "zod";

/** A route of the manager's table. */
export interface ApiRoute {
  method: string;
  url: string;
}

/** One request to send, and what it tries, for the report of a failure. */
export interface Probe {
  method: string;
  /** as sent: already percent-encoded where it should be, and malformed where it means to be */
  path: string;
  body?: string | Buffer;
  contentType?: string;
  what: string;
}

/** The routes `director up` logged (the manager's "manager routes" line, level debug), without HEAD twins. */
export function routesFromLog(output: string): ApiRoute[] {
  for (const line of output.split("\n")) {
    if (!line.includes('"manager routes"')) continue;
    const entry = JSON.parse(line) as { msg: string; routes: ApiRoute[] };
    if (entry.msg === "manager routes") {
      // each logged route also names its declared caller: the attack sends to every one of them alike
      return entry.routes
        .filter((route) => route.method !== "HEAD")
        .map((route) => ({ method: route.method, url: route.url }));
    }
  }
  throw new Error("director up logged no route table (is DIRECTOR_LOG_LEVEL=debug?)");
}

/** Values put in place of one path parameter, as they go on the wire. */
const pathValues: Array<[string, string]> = [
  ["NUL", "%00"],
  ["NUL inside", "sam%00x"],
  ["overlong UTF-8", "%c0%ae"],
  ["truncated percent-encoding", "%E0%A4%A"],
  ["bare percent", "%"],
  ["percent without digits", "%zz"],
  ["longer than a path parameter may be", "x".repeat(200)],
  ["longer than any name", "x".repeat(90)],
  ["encoded dot-dot", "..%2F..%2Fsecrets.json"],
  ["encoded dots", "%2e%2e"],
  ["a huge number", "99999999999999999999"],
  ["a negative number", "-1"],
];

/** Values of one query parameter, as they go on the wire (`name=value`, or a whole `name=a&name=b`). */
const queryValues: Array<[string, (name: string) => string]> = [
  ["NUL", (name) => `${name}=a%00b`],
  ["overlong UTF-8", (name) => `${name}=%c0%ae`],
  ["an overlong string", (name) => `${name}=${"x".repeat(3000)}`],
  ["a list where one value goes", (name) => `${name}=a&${name}=b`],
];

/** A route's URL with each parameter replaced by `parameterValue(parameter)`. */
function fillPath(url: string, parameterValue: (parameter: string) => string): string {
  return url
    .split("/")
    .map((segment) => {
      if (segment === "*") return parameterValue("*");
      return segment.startsWith(":") ? parameterValue(segment.slice(1)) : segment;
    })
    .join("/");
}

/** The parameters of a route's URL (`name`, `username`, `id`, `*`). */
function parametersOf(url: string): string[] {
  return url
    .split("/")
    .filter((segment) => segment === "*" || segment.startsWith(":"))
    .map((segment) => (segment === "*" ? "*" : segment.slice(1)));
}

/** Each path parameter of the route, one at a time, set to each nasty value; the others to their sample. */
export function pathProbes(route: ApiRoute, sample: (parameter: string) => string): Probe[] {
  return parametersOf(route.url).flatMap((parameter) =>
    pathValues.map(([what, value]) => ({
      method: route.method,
      path: fillPath(route.url, (other) => (other === parameter ? value : sample(other))),
      what: `path parameter ${parameter}: ${what}`,
    })),
  );
}

/** Each query parameter, one at a time, with each nasty value, on the route filled with samples. */
export function queryProbes(route: ApiRoute, names: string[], sample: (parameter: string) => string): Probe[] {
  const path = fillPath(route.url, sample);
  return names.flatMap((name) =>
    queryValues.map(([what, query]) => ({
      method: route.method,
      path: `${path}?${query(name)}`,
      what: `?${name}: ${what}`,
    })),
  );
}

/** A JSON body and what is wrong with it. */
export interface BadBody {
  what: string;
  body: string | Buffer;
  contentType: string;
}

const json = "application/json";

/** Bodies wrong as a whole, whatever the route expects. */
export function genericBodies(): BadBody[] {
  let nested = '"deep"';
  for (let depth = 0; depth < 500; depth++) nested = `{"a":${nested}}`;
  return [
    { what: "invalid JSON", body: '{"a":', contentType: json },
    { what: "a raw NUL byte inside a JSON string", body: Buffer.from('{"a":"x\u0000y"}'), contentType: json },
    { what: "a list", body: "[]", contentType: json },
    { what: "a string with NUL", body: JSON.stringify("\u0000"), contentType: json },
    { what: "null", body: "null", contentType: json },
    { what: "an empty object", body: "{}", contentType: json },
    { what: "500 levels of nesting", body: nested, contentType: json },
    { what: "NUL as text/plain", body: "\u0000", contentType: "text/plain" },
    { what: "an unknown content type", body: "x", contentType: "application/x-nothing" },
    { what: "over a MiB of JSON", body: JSON.stringify({ a: "x".repeat(1_100_000) }), contentType: json },
  ];
}

/** The longest string worth sending where a field says how long it may be. */
const longestSent = 100_000;

/**
 * For each request schema: its sample with one field at a time made bad (NUL in a string, a string exactly as long
 * as allowed, a value of the wrong type), and the sample with every string one character too long.
 */
export function schemaBodies(schemas: Array<[string, z.ZodType]>): BadBody[] {
  const bodies: BadBody[] = [];
  const add = (what: string, value: unknown) => bodies.push({ what, body: JSON.stringify(value), contentType: json });
  for (const [name, schema] of schemas) {
    const sample = sampleOf(schema);
    const leaves = leavesOf(schema);
    const at = (path: FieldPath) => path.join(".") || "(the body)";
    for (const leaf of leaves) {
      const field = `${name} ${at(leaf.path)}`;
      if (leaf.isString) {
        add(`${field}: NUL`, withFieldAt(sample, leaf.path, "a\u0000b"));
        add(`${field}: a number`, withFieldAt(sample, leaf.path, 7));
        if (leaf.maxLength !== null && leaf.maxLength <= longestSent) {
          add(`${field}: as long as allowed`, withFieldAt(sample, leaf.path, "x".repeat(leaf.maxLength)));
        }
      } else {
        add(`${field}: NUL where no string goes`, withFieldAt(sample, leaf.path, "\u0000"));
        add(`${field}: an object`, withFieldAt(sample, leaf.path, { $ne: null }));
      }
    }
    const tooLong = leaves
      .filter((leaf) => leaf.isString && leaf.maxLength !== null && leaf.maxLength < longestSent)
      .reduce((value, leaf) => withFieldAt(value, leaf.path, "x".repeat((leaf.maxLength ?? 0) + 1)), sample);
    add(`${name}: every string one character too long`, tooLong);
  }
  const seen = new Set<string>();
  return bodies.filter((body) => {
    const key = String(body.body);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every bad body, on the route filled with samples. */
export function bodyProbes(route: ApiRoute, bodies: BadBody[], sample: (parameter: string) => string): Probe[] {
  const path = fillPath(route.url, sample);
  return bodies.map((body) => ({
    method: route.method,
    path,
    body: body.body,
    contentType: body.contentType,
    what: `body: ${body.what}`,
  }));
}
