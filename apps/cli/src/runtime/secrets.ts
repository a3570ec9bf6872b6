import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  generateInstallationId,
  type InstallationId,
  isInstallationId,
  parseInstallationId,
} from "@director/domain/installation-id";
import { writeFileAtomic } from "@director/host/atomic-write";
import { generateInternalToken, type InternalToken, parseInternalToken } from "@director/http-kit/internal-auth";
import { z } from "zod";

/** A new DIRECTOR_SECRETS_KEY: 32 random bytes, base64 (what the manager's SecretBox takes). */
function generateSecretsKey(): string {
  return randomBytes(32).toString("base64");
}

const secretsSchema = z.object({
  orchestratorToken: z.string(),
  routerToken: z.string(),
  /** absent in files written before the shell server: one is made and saved on the next start */
  shellToken: z.string().optional(),
  /** absent in files written before database hosts: one is made and saved on the next start */
  secretsKey: z.string().optional(),
  /** absent in files written before installation ids: one is made and saved on the next start */
  installationId: z.string().refine(isInstallationId).optional(),
});

export interface UpSecrets {
  orchestratorToken: InternalToken;
  routerToken: InternalToken;
  /** what the shell server sends on the manager's internal API */
  shellToken: InternalToken;
  /** the manager's DIRECTOR_SECRETS_KEY, which encrypts database hosts' admin credentials */
  secretsKey: string;
  /** The installation's id, in the name and labels of every Docker object it makes; never changes once made */
  installationId: InstallationId;
}

/** Where the secrets of the installation in `dataDir` are kept (0600). */
export function secretsFile(dataDir: string): string {
  return path.join(dataDir, "secrets.json");
}

/**
 * The internal API tokens and the installation id of this installation: made on first start, kept 0600 in the data
 * directory. A file from before installation ids gets one added, once.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<UpSecrets> {
  const file = secretsFile(dataDir);
  const existing = await readSecrets(dataDir);
  if (
    existing?.installationId !== undefined &&
    existing.shellToken !== undefined &&
    existing.secretsKey !== undefined
  ) {
    const { installationId, shellToken, secretsKey } = existing;
    return { ...existing, installationId, shellToken, secretsKey };
  }
  const secrets: UpSecrets = {
    orchestratorToken: existing?.orchestratorToken ?? generateInternalToken(),
    routerToken: existing?.routerToken ?? generateInternalToken(),
    shellToken: existing?.shellToken ?? generateInternalToken(),
    secretsKey: existing?.secretsKey ?? generateSecretsKey(),
    installationId: existing?.installationId ?? generateInstallationId(),
  };
  await writeFileAtomic(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** The installation's secrets as kept, or null when none were made yet; the id is missing in an older file. */
export async function readSecrets(
  dataDir: string,
): Promise<(Pick<UpSecrets, "orchestratorToken" | "routerToken"> & Partial<UpSecrets>) | null> {
  let text: string;
  try {
    text = await readFile(secretsFile(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed = secretsSchema.parse(JSON.parse(text));
  const tokens = {
    orchestratorToken: parseInternalToken(parsed.orchestratorToken),
    routerToken: parseInternalToken(parsed.routerToken),
    ...(parsed.shellToken === undefined ? {} : { shellToken: parseInternalToken(parsed.shellToken) }),
    ...(parsed.secretsKey === undefined ? {} : { secretsKey: parsed.secretsKey }),
  };
  return parsed.installationId === undefined
    ? tokens
    : { ...tokens, installationId: parseInstallationId(parsed.installationId) };
}
