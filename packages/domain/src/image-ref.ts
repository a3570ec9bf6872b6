import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** A Docker image reference (`[registry[:port]/]path[:tag][@sha256:digest]`), checked before it reaches a Docker spec. */
export type ImageRef = Brand<string, "ImageRef">;

// The grammar of github.com/distribution/reference (docker/distribution reference/regexp.go), lowercase only.
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]{1,5})?`;
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
const digest = "sha256:[a-f0-9]{64}";
const imageRefPattern = new RegExp(
  `^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`,
);
const imageRefMaxLength = 255;

/** Parses an image reference; throws IMAGE_REF_INVALID with a message that says what is wrong. */
export function parseImageRef(value: unknown): ImageRef {
  if (typeof value !== "string" || value.length === 0 || value.length > imageRefMaxLength) {
    throw new DirectorError("IMAGE_REF_INVALID", `An image reference must be 1 to ${imageRefMaxLength} characters.`);
  }
  if (!imageRefPattern.test(value)) {
    throw new DirectorError(
      "IMAGE_REF_INVALID",
      "An image reference must look like name[:tag] (lowercase letters, digits, '.', '_', '-'; for example director/base-busybox:1).",
    );
  }
  return value as ImageRef;
}
