import { DirectorError } from "@director/domain/errors";

// An allowlist rather than a denylist: whitespace, `;`, `{`, `}`, quotes, `$`, `#` and `\` all mean something to
// nginx's config parser (https://nginx.org/en/docs/beginners_guide.html#conf_structure), so none may appear.
const safeAbsolutePath = /^(?:\/[A-Za-z0-9._@+,=:-]+)+$/;

/** Returns `value` if it is a normalized absolute path with no character nginx would treat specially; throws otherwise. */
export function assertNginxSafeAbsolutePath(value: string): string {
  const segments = value.split("/").slice(1);
  if (!safeAbsolutePath.test(value) || segments.some((segment) => segment === "." || segment === "..")) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `The directory "${value}" cannot be placed in nginx config: use a normalized absolute path of letters, digits and ._@+,=:- only.`,
    );
  }
  return value;
}
