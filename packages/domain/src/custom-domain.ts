/**
 * A site's own domain (`www.example.org`), as a member types it. One parser, used by the manager's API and again by
 * each component that writes the domain into nginx or asks a certificate for it. It normalises what is harmless
 * (case, one trailing dot, non-ASCII letters to punycode) and refuses everything that is not a public hostname a
 * certificate authority could vouch for: IP literals, wildcards, single labels, `localhost` and the special-use
 * names that never resolve on the internet.
 */
import { domainToASCII, domainToUnicode } from "node:url";
import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";
import type { Hostname } from "./hostname.js";

/** A normalised custom domain: lower-case ASCII (punycode), no trailing dot, at least two labels. Also a Hostname. */
export type CustomDomain = Brand<string, "CustomDomain"> & Hostname;

/** The longest name DNS carries (253 characters without the trailing dot), and the longest label. */
const maxLength = 253;
const maxLabelLength = 63;
const labelPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** What a top-level label looks like: letters, or punycode (`xn--…`); never all digits (that is an IP address). */
const topLabelPattern = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/**
 * Special-use names (RFC 6761, 6762, 9476 and the reverse-lookup zones): none resolves on the public internet, so
 * none can have a certificate or be pointed at the router. `.test` and `.example` stay allowed: they are how an
 * institution tries Director out with its own resolver.
 */
const specialUseSuffixes = ["localhost", "local", "invalid", "arpa", "onion", "alt", "internal", "home.arpa"];

/** Why a domain was refused, in words for the person who typed it. */
function refuse(value: string, reason: string): never {
  throw new DirectorError("DOMAIN_INVALID", `"${value}" cannot be a site's domain: ${reason}`, {
    details: { fields: { domain: reason } },
  });
}

export function parseCustomDomain(value: unknown): CustomDomain {
  if (typeof value !== "string") refuse(String(value), "it must be text.");
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  if (value.length === 0) refuse(shown, "it is empty.");
  if (value.length > maxLength + 1) refuse(shown, `it is longer than ${maxLength} characters.`);
  if (/[\s/\\:@?#[\]%]/.test(value)) {
    refuse(shown, "type the name only, without a scheme, port, path or spaces (for example www.example.org).");
  }
  if (value.includes("*")) refuse(shown, "wildcards are not supported; add each name on its own.");
  // One trailing dot is DNS's "fully qualified" mark and means the same name; two are an empty label.
  const withoutDot = value.endsWith(".") ? value.slice(0, -1) : value;
  // Invisible characters (zero-width joiners, direction marks) would be mapped away silently: a spoofing hazard.
  if (/\p{Cf}|\p{Cc}/u.test(withoutDot)) refuse(shown, "it holds invisible or control characters.");
  // domainToASCII applies IDNA (UTS #46): case folding, punycode for non-ASCII labels, and it checks punycode that is
  // already there (`xn--zz` is not valid); "" when it cannot.
  const ascii = domainToASCII(withoutDot);
  if (ascii === "") refuse(shown, "it is not a valid internationalised domain name.");
  if (ascii.length > maxLength) refuse(shown, `it is longer than ${maxLength} characters once encoded.`);
  const labels = ascii.split(".");
  if (labels.length < 2) refuse(shown, "it needs at least two parts, such as example.org.");
  for (const label of labels) {
    if (label.length === 0) refuse(shown, "it has an empty part (two dots in a row, or a leading dot).");
    if (label.length > maxLabelLength) refuse(shown, `each part must be at most ${maxLabelLength} characters long.`);
    if (!labelPattern.test(label)) {
      refuse(shown, "each part may hold only letters, digits and inner hyphens.");
    }
  }
  const top = labels.at(-1) ?? "";
  if (!topLabelPattern.test(top)) refuse(shown, "an IP address or a numeric ending is not a domain name.");
  for (const suffix of specialUseSuffixes) {
    if (ascii === suffix || ascii.endsWith(`.${suffix}`)) {
      refuse(shown, `names under .${suffix} never resolve on the internet.`);
    }
  }
  return ascii as CustomDomain;
}

/** The domain as people read it: punycode labels shown in their own script (display only, never into config). */
export function displayCustomDomain(domain: CustomDomain): string {
  return domainToUnicode(domain) || domain;
}

/** Whether `domain` is `suffix` itself or a name under it (`a.b.example.org` is under `example.org`). */
export function isDomainUnder(domain: string, suffix: string): boolean {
  return domain === suffix || domain.endsWith(`.${suffix}`);
}
