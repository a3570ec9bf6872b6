import { httpRequest } from "./http-request.js";

/** GETs `path` from 127.0.0.1:port with the given Host header (fetch will not let a caller set Host). */
export async function getWithHost(
  port: number,
  host: string,
  path = "/",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { status, headers, body } = await httpRequest({ url: `http://127.0.0.1:${port}${path}`, host });
  return { status, headers, body };
}
