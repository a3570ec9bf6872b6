import type { NginxConfigFileName } from "./nginx-config-file-name.js";

/** A directory of nginx config files that are validated and activated on write (NginxConfigStore implements it). */
export interface ConfigFiles {
  /** Writes, tests and activates a file; no-op when unchanged; throws NGINX_CONFIG_REJECTED and rolls back on failure. */
  put(name: NginxConfigFileName, content: string): Promise<void>;
  /** Removes a file and reloads; no-op when absent. */
  remove(name: NginxConfigFileName): Promise<void>;
  /** A file's content, or null when absent. */
  read(name: NginxConfigFileName): Promise<string | null>;
  /** The names of every file, sorted. */
  list(): Promise<NginxConfigFileName[]>;
}
