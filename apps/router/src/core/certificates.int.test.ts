/** The router's certificates in front of a real certificate store (files in a temporary directory). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsCertificateStore } from "../adapters/certificate-store.js";
import { Certificates } from "./certificates.js";

const domain = parseCustomDomain("www.chess-club.example");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "director-certificates-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Certificates", () => {
  it("answers not_configured without a certificate authority, asking nothing", async () => {
    const certificates = new Certificates({ issuer: null, store: new FsCertificateStore(path.join(dir, "a")) });
    expect(await certificates.ensure(domain, 30)).toEqual({ outcome: "not_configured", notAfter: null });
  });

  it("refuses with DOMAINS_UNSUPPORTED and its reason where the edge cannot serve sites' own domains", async () => {
    let asked = 0;
    const certificates = new Certificates({
      issuer: {
        issue: async () => {
          asked += 1;
          throw new Error("not to be asked");
        },
      },
      store: new FsCertificateStore(path.join(dir, "b")),
      refusal: "the split topology's edge does not route them yet",
    });
    await expect(certificates.ensure(domain, 30)).rejects.toMatchObject({
      code: "DOMAINS_UNSUPPORTED",
      message: "the split topology's edge does not route them yet",
    });
    expect(asked).toBe(0);
  });
});
