import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** The slug naming an administrator-published image (`debian`, `python-3`): it appears in URLs and API bodies. */
export type ImageName = Brand<string, "ImageName">;

/** 2–32 characters: lowercase letters and digits in groups joined by single hyphens (like a site name). */
export const imageNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Parses an image name; throws VALIDATION_FAILED naming the field. */
export function parseImageName(value: unknown): ImageName {
  if (typeof value !== "string" || value.length < 2 || value.length > 32 || !imageNamePattern.test(value)) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      "An image name must be 2 to 32 lowercase letters and digits, with single hyphens between them (for example python-3).",
      { details: { fields: { name: "must be 2 to 32 lowercase letters, digits and single hyphens" } } },
    );
  }
  return value as ImageName;
}
