import { readFile } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";
import { type GuidelinesVersion, guidelinesVersionOf } from "@director/domain/guidelines-version";
import { defaultGuidelinesText } from "./default-guidelines.js";

/** The guidelines this installation asks people to accept, and their version. */
export interface CurrentGuidelines {
  text: string;
  version: GuidelinesVersion;
}

/** The guidelines with `text` (default: the built-in text); the version is computed here, once. */
export function currentGuidelines(text: string = defaultGuidelinesText): CurrentGuidelines {
  return { text, version: guidelinesVersionOf(text) };
}

/**
 * The guidelines file's text (DIRECTOR_GUIDELINES_FILE), or the built-in guidelines when `filePath` is undefined;
 * unreadable: CONFIG_INVALID. The manager and `director admin create-user` both read them here, so that they agree
 * on the version.
 */
export async function loadGuidelines(filePath: string | undefined): Promise<CurrentGuidelines> {
  if (filePath === undefined) return currentGuidelines();
  try {
    return currentGuidelines(await readFile(filePath, "utf8"));
  } catch (error) {
    throw new DirectorError("CONFIG_INVALID", `DIRECTOR_GUIDELINES_FILE: cannot read ${filePath}.`, { cause: error });
  }
}
