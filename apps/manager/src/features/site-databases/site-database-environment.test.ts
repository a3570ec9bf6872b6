import type { DatabasePassword, SiteDatabaseName } from "@director/domain/site-database";
import { describe, expect, it } from "vitest";
import { siteDatabaseEnvironment, siteDatabaseUrl, siteDatabaseVariableNames } from "./site-database-environment.js";

const name = "dir_abc123_s42" as SiteDatabaseName;
const password = "Zm9vYmFyYmF6cXV4LXF1dXgtY29yZ2VfZ3Jh" as DatabasePassword;

describe("a site database's variables", () => {
  it("gives the URL and its parts, for each kind", () => {
    expect(siteDatabaseEnvironment({ kind: "postgres", host: "172.18.0.1", port: 5432, name, password })).toEqual({
      DATABASE_URL: `postgres://${name}:${password}@172.18.0.1:5432/${name}`,
      DIRECTOR_DATABASE_URL: `postgres://${name}:${password}@172.18.0.1:5432/${name}`,
      DIRECTOR_DATABASE_TYPE: "postgres",
      DIRECTOR_DATABASE_HOST: "172.18.0.1",
      DIRECTOR_DATABASE_PORT: "5432",
      DIRECTOR_DATABASE_NAME: name,
      DIRECTOR_DATABASE_USERNAME: name,
      DIRECTOR_DATABASE_PASSWORD: password,
    });
    const mysql = siteDatabaseEnvironment({ kind: "mysql", host: "db.school.test", port: 3306, name, password });
    expect(mysql.DATABASE_URL).toBe(`mysql://${name}:${password}@db.school.test:3306/${name}`);
    expect(Object.keys(mysql)).toEqual([...siteDatabaseVariableNames]);
  });

  it("puts an IPv6 address in brackets, and leaves the password out when it is not given", () => {
    const url = siteDatabaseUrl({ kind: "postgres", host: "fd00::1", port: 5432, name });
    expect(url).toBe(`postgres://${name}@[fd00::1]:5432/${name}`);
    expect(new URL(url).hostname).toBe("[fd00::1]");
  });
});
