import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateSecrets, secretsFile } from "./secrets.js";

let dataDir = "";
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("loadOrCreateSecrets", () => {
  it("makes a 32-byte secrets key on first start and keeps it", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "director-secrets-"));
    const first = await loadOrCreateSecrets(dataDir);
    expect(Buffer.from(first.secretsKey, "base64")).toHaveLength(32);
    expect((await loadOrCreateSecrets(dataDir)).secretsKey).toBe(first.secretsKey);
  });

  it("adds a secrets key to a file from before database hosts, keeping its tokens", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "director-secrets-"));
    const made = await loadOrCreateSecrets(dataDir);
    const { secretsKey: _dropped, ...older } = made;
    await writeFile(secretsFile(dataDir), JSON.stringify(older));
    const loaded = await loadOrCreateSecrets(dataDir);
    expect(loaded).toMatchObject(older);
    expect(Buffer.from(loaded.secretsKey, "base64")).toHaveLength(32);
    expect(JSON.parse(await readFile(secretsFile(dataDir), "utf8")).secretsKey).toBe(loaded.secretsKey);
  });
});
