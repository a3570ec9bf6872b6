/**
 * The ssh2 library, loaded with require: it is CommonJS, and Node's ESM loader does not see its named exports
 * (`import { utils } from "ssh2"` passes the type check and vitest, then fails under node/tsx at start). Its types
 * are imported as types where they are used.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const ssh2 = require("ssh2") as typeof import("ssh2");
