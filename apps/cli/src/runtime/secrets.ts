import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "@director/host/atomic-write";
import { generateInternalToken, type InternalToken, parseInternalToken } from "@director/http-kit/internal-auth";
import { z } from "zod";

const secretsSchema = z.object({ orchestratorToken: z.string(), routerToken: z.string() });

export interface UpSecrets {
  orchestratorToken: InternalToken;
  routerToken: InternalToken;
}

/** The internal API tokens of this installation: made on first start, kept 0600 in the data directory. */
export async function loadOrCreateSecrets(dataDir: string): Promise<UpSecrets> {
  const file = path.join(dataDir, "secrets.json");
  try {
    const parsed = secretsSchema.parse(JSON.parse(await readFile(file, "utf8")));
    return {
      orchestratorToken: parseInternalToken(parsed.orchestratorToken),
      routerToken: parseInternalToken(parsed.routerToken),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secrets = { orchestratorToken: generateInternalToken(), routerToken: generateInternalToken() };
  await writeFileAtomic(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
