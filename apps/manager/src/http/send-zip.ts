import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyReply } from "fastify";

/**
 * Streams a zip the orchestrator planned (a refusal before this point is still an ordinary JSON answer) as a
 * download named `fileName`. Once the answer has started, a failure (the client left, the orchestrator's stream
 * broke) can only cut the connection: the zip is incomplete and an unzip tool says so.
 */
export async function sendZip(reply: FastifyReply, fileName: string, body: AsyncIterable<Buffer>): Promise<void> {
  reply.hijack();
  reply.raw.writeHead(200, {
    "content-type": "application/zip",
    // a name of [A-Za-z0-9._-] only: nothing in it can break out of the header's quotes
    "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "x-content-type-options": "nosniff",
  });
  try {
    await pipeline(Readable.from(body), reply.raw);
  } catch {
    reply.raw.destroy();
  }
}
