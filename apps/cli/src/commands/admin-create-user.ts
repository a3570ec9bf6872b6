import type { DatabaseHandle } from "@director/db/database";
import type { UserRole } from "@director/domain/user-role";
import type { Logger } from "pino";
import type { CommandConfig } from "../config.js";
import { managerForCommand } from "./command-manager.js";

export interface CreateUserArgs {
  username: string;
  displayName?: string;
  email?: string;
  password: string;
  isSuperuser: boolean;
  /** student (the default), teacher or service */
  role?: UserRole;
}

/**
 * `director admin create-user`: creates an account with a Director password (the first administrator, a service
 * account). Its operator set Director up, so the account starts with the guidelines accepted: the ones the
 * installation serves (DIRECTOR_GUIDELINES_FILE, guidelinesFilePathOf), so that the account is asked again only when
 * their text changes.
 */
export async function createUser(db: DatabaseHandle, log: Logger, args: CreateUserArgs, guidelinesFilePath?: string) {
  const manager = await managerForCommand(db, log, { guidelinesFilePath });
  return manager.services.auth.createUser(args);
}

/**
 * DIRECTOR_GUIDELINES_FILE as the manager reads it (its config schema checks it): run the command with the
 * installation's environment, or the account records the built-in text's version and is asked to accept the
 * institution's text at its first login.
 */
export function guidelinesFilePathOf(config: CommandConfig): string | undefined {
  return config.guidelines.filePath;
}
