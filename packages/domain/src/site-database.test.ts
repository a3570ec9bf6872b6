import { describe, expect, it } from "vitest";
import { parseInstallationId } from "./installation-id.js";
import { parseSiteId } from "./site.js";
import {
  findSiteDatabaseName,
  generateDatabasePassword,
  parseDatabasePassword,
  parseSiteDatabaseName,
  siteDatabaseIdentity,
  siteDatabaseNameMaxLength,
} from "./site-database.js";

const installation = parseInstallationId("k3x9p2aq");

describe("siteDatabaseIdentity", () => {
  it("names a site's database and user after the installation and the site", () => {
    expect(siteDatabaseIdentity(installation, parseSiteId(42))).toEqual({
      installationId: "k3x9p2aq",
      siteId: 42,
      name: "dir_k3x9p2aq_s42",
    });
  });

  it("keeps the longest name within MySQL's 32-character user names", () => {
    const name = siteDatabaseIdentity(parseInstallationId("0123456789abcdef"), parseSiteId(2_147_483_647)).name;
    expect(name).toHaveLength(siteDatabaseNameMaxLength);
  });

  it("refuses a site id beyond PostgreSQL's integer", () => {
    expect(() => siteDatabaseIdentity(installation, parseSiteId(2_147_483_648))).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});

describe("parseSiteDatabaseName", () => {
  it("reads back every name it generates", () => {
    for (const siteId of [1, 9, 10, 2_147_483_647]) {
      const identity = siteDatabaseIdentity(installation, parseSiteId(siteId));
      expect(parseSiteDatabaseName(identity.name)).toEqual(identity);
    }
  });

  it.each([
    "",
    "dir_k3x9p2aq_s0",
    "dir_k3x9p2aq_s042",
    "dir_k3x9p2aq_s2147483648",
    "DIR_k3x9p2aq_s1",
    "dir_k3x9p2aq_s1;drop",
    "dir_k3x9p2aq_s1 ",
    "dir_k3x9-p2aq_s1",
    "dir_0123456789abcdefg_s1",
    "dir__s1",
    "postgres",
    42,
    null,
  ])("refuses %j", (value) => {
    expect(() => parseSiteDatabaseName(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("findSiteDatabaseName", () => {
  it("finds only this installation's names", () => {
    expect(findSiteDatabaseName("dir_k3x9p2aq_s7", installation)?.siteId).toBe(7);
    expect(findSiteDatabaseName("dir_other_s7", installation)).toBeUndefined();
    expect(findSiteDatabaseName("template1", installation)).toBeUndefined();
  });
});

describe("database passwords", () => {
  it("generates distinct URL-safe passwords its parser accepts", () => {
    const passwords = new Set(Array.from({ length: 50 }, () => parseDatabasePassword(generateDatabasePassword())));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it.each(["short", "a".repeat(31), `${"a".repeat(32)}'`, `${"a".repeat(32)} `, "a".repeat(129), 7])(
    "refuses %j",
    (value) => {
      expect(() => parseDatabasePassword(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    },
  );
});
