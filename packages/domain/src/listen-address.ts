import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** An nginx `listen` address: `PORT`, `IPv4:PORT` or `[IPv6]:PORT`; safe to place in nginx config as is. */
export type ListenAddress = Brand<string, "ListenAddress">;

const listenPattern = /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|localhost):)?(\d{1,5})$/;

/** Parses a listen address; throws CONFIG_INVALID because these values come from configuration. */
export function parseListenAddress(value: unknown): ListenAddress {
  const match = typeof value === "string" ? listenPattern.exec(value) : null;
  const port = Number(match?.[1]);
  if (!match || port < 1 || port > 65535) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `"${String(value)}" is not a listen address; use PORT, IPv4:PORT or [IPv6]:PORT (e.g. 127.0.0.1:8081).`,
    );
  }
  return value as ListenAddress;
}
