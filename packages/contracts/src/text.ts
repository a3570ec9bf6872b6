/**
 * The strings of requests (body fields, query and path parameters). PostgreSQL's `text` cannot hold U+0000 and
 * refuses a query carrying it (SQLSTATE 22021), and no name, comment, path or message of ours needs it. So every
 * string a request may carry is built here and NUL is refused at the edge, with the field named (400
 * VALIDATION_FAILED), before anything is read or changed. `packages/contracts/src/request-strings.test.ts` checks
 * that every request schema's strings come from here.
 */
import { z } from "zod";

/** What a refused field says, in `details.fields`. */
export const nulRefusedMessage = "must not contain the NUL character (\\u0000)";

function hasNoNul(value: string): boolean {
  return !value.includes("\u0000");
}

/** Any text but NUL; chain `.max()`, `.trim()` and the rest as on `z.string()`. */
export function text(): z.ZodString {
  return z.string().refine(hasNoNul, nulRefusedMessage);
}

/** An http(s) URL. WHATWG URL parsing keeps a NUL in the path (`http://a/%00` and a raw `\0` both pass), hence the check. */
export function httpUrl(): z.ZodURL {
  return z.url({ protocol: /^https?$/ }).refine(hasNoNul, nulRefusedMessage);
}

/** An email address (zod's email grammar never matches NUL; checked again so that every request string is built here). */
export function email(): z.ZodEmail {
  return z.email().refine(hasNoNul, nulRefusedMessage);
}
