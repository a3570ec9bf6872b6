/**
 * Where a custom domain's certificate lives on disk: the router writes it (its certificate store) and, when both share
 * one nginx (`director up`), the orchestrator's server blocks name the same files. The layout certbot made familiar.
 */
import path from "node:path";
import { parseHostname } from "@director/domain/hostname";

export const certificateFileName = "fullchain.pem";
export const certificateKeyFileName = "privkey.pem";

/** The absolute paths of `domain`'s certificate chain and key under `certificatesDir`. */
export function certificateFilesOf(
  certificatesDir: string,
  domain: string,
): { certificatePath: string; keyPath: string } {
  const hostDir = path.join(certificatesDir, parseHostname(domain));
  return {
    certificatePath: path.join(hostDir, certificateFileName),
    keyPath: path.join(hostDir, certificateKeyFileName),
  };
}

/** Where the router keeps its state under its data directory. */
export function routerDataLayout(dataDir: string) {
  return {
    certificatesDir: path.join(dataDir, "certificates"),
    /** nginx's `root` for `/.well-known/acme-challenge/` (tokens are files under it) */
    challengesRoot: path.join(dataDir, "acme-challenges"),
    accountKeyPath: path.join(dataDir, "acme-account.pem"),
  };
}
