import { DirectorError } from "@director/domain/errors";
import type { ConfigFiles } from "@director/host/config-files";
import type { NginxConfigFileName } from "@director/host/nginx-config-file-name";

/**
 * A fake of ConfigFiles for unit tests: files live in a Map and nothing is tested or reloaded.
 * `rejectNext` makes the next put fail as nginx would reject it, so refusals can be tested.
 */
export class InMemoryConfigFiles implements ConfigFiles {
  readonly files = new Map<NginxConfigFileName, string>();
  #rejection: string | null = null;

  /** Makes the next put throw NGINX_CONFIG_REJECTED and leave the files as they were. */
  rejectNext(nginxError: string): void {
    this.#rejection = nginxError;
  }

  async put(name: NginxConfigFileName, content: string): Promise<void> {
    const rejection = this.#rejection;
    this.#rejection = null;
    if (rejection !== null) {
      throw new DirectorError("NGINX_CONFIG_REJECTED", `nginx rejected ${name}: ${rejection}`, {
        details: { file: name, nginxError: rejection },
      });
    }
    this.files.set(name, content);
  }

  async remove(name: NginxConfigFileName): Promise<void> {
    this.files.delete(name);
  }

  async read(name: NginxConfigFileName): Promise<string | null> {
    return this.files.get(name) ?? null;
  }

  async list(): Promise<NginxConfigFileName[]> {
    return [...this.files.keys()].sort();
  }
}
