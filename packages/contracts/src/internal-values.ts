/**
 * The domain values the internal APIs (orchestrator, router) carry, each schema built from its packages/domain parser:
 * a value that reaches nginx, Docker, a path or SQL is the parser's branded value once parsed, on the server (a
 * request) and on the client (an answer). A parser's refusal keeps its own error code (SITE_NAME_INVALID,
 * PATH_ESCAPES_SITE, ...), so that a refusal the user caused reaches them as what it is.
 */
import { type CustomDomain, parseCustomDomain } from "@director/domain/custom-domain";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import { maxSitePackages, parsePackageList } from "@director/domain/package-name";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import { z } from "zod";

/** A site id: a number in JSON, its digits in a path or query. */
export const siteIdSchema = z.union([z.number(), z.string()]).transform((value): SiteId => parseSiteId(value));

/** A site name (`my-site-2`). */
export const siteNameSchema = z.string().transform((value): SiteName => parseSiteName(value));

/** A hostname, lowercased. */
export const hostnameSchema = z.string().transform((value): Hostname => parseHostname(value));

/** A site's own domain, normalised (`www.example.org`, punycode for non-ASCII). */
export const customDomainSchema = z.string().transform((value): CustomDomain => parseCustomDomain(value));

/** A path inside a site's directory (`public/index.html`). */
export const sitePathSchema = z.string().transform((value): SitePath => parseSitePath(value));

/** A Docker image reference. */
export const imageRefSchema = z.string().transform((value): ImageRef => parseImageRef(value));

/** Debian package names: each checked, duplicates dropped, sorted; at most maxSitePackages. */
export const packageListSchema = z
  .array(z.string())
  .max(maxSitePackages)
  .transform((value) => parsePackageList(value));

/** `/sites/:id/...` */
export const siteIdParamsSchema = z.object({ id: siteIdSchema });
