/** SSH: the person's own public keys, and where the shell server listens with its host keys. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function sshApi(http: Http) {
  return {
    info: () => callRoute(http, "ssh", "info"),
    listKeys: () => callRoute(http, "ssh", "listKeys"),
    addKey: (key: { label: string; publicKey: string }) => callRoute(http, "ssh", "addKey", { json: key }),
    removeKey: (id: number) => callRoute(http, "ssh", "removeKey", { params: { id } }),
  };
}
