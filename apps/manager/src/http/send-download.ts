import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyReply } from "fastify";

/**
 * Streams a file made on the fly (a planned zip, a database dump) as a download named `fileName`; a refusal before
 * this point is still an ordinary JSON answer. Once the answer has started, a failure (the client left, the stream
 * broke half way) can only cut the connection: the file is incomplete, and unzip or a restore says so.
 */
export async function sendDownload(
  reply: FastifyReply,
  download: { fileName: string; contentType: string; body: AsyncIterable<Buffer> },
): Promise<void> {
  reply.hijack();
  reply.raw.writeHead(200, {
    "content-type": download.contentType,
    // a name of [A-Za-z0-9._-] only: nothing in it can break out of the header's quotes
    "content-disposition": `attachment; filename="${download.fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "x-content-type-options": "nosniff",
  });
  try {
    await pipeline(Readable.from(download.body), reply.raw);
  } catch {
    reply.raw.destroy();
  }
}
