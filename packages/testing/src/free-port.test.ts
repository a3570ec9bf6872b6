import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";

describe("freePort", () => {
  it("never hands out the same port twice, though none of them is bound yet", async () => {
    // 300 draws from 12,000 numbers repeat one with a chance near 98 %, so the memory of handed-out ports shows.
    const ports = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_000);
    }
  });

  it("skips a port another server holds", async () => {
    const held = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(held, "127.0.0.1", resolve));
    try {
      for (let i = 0; i < 100; i++) expect(await freePort()).not.toBe(held);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
