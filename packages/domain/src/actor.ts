/** Who is acting: enough of an account for every access rule (the features' `*.policy.ts`). */
import type { UserRole } from "./user-role.js";

export interface Actor {
  id: number;
  username: string;
  isSuperuser: boolean;
  /** student, teacher or service; absent counts as student (the fewest rights) */
  role?: UserRole;
}
