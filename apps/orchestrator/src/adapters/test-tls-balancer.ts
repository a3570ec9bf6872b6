/**
 * For the HTTPS tests: the balancer's config on a test nginx (packages/testing/test-nginx.ts) with HTTPS on `tlsPort`,
 * certificates under `<root>/certificates` (the router's layout) and site files under `<root>/sites/<id>`, as
 * createOrchestrator wires it, without the file cache's wait.
 */
import path from "node:path";
import type { Logger } from "@director/host/logger";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { TestNginx } from "@director/testing/test-nginx";
import { type BalancerEnv, NginxBalancerConfig } from "./balancer-config.js";
import { FsCertificateInspector } from "./certificate-inspector.js";
import { FsSiteIndex } from "./fs-site-index.js";

export function testTlsBalancer(
  nginx: TestNginx,
  options: {
    tlsPort: number;
    sitesDomain: string;
    log: Logger;
    tls?: Partial<Pick<NonNullable<BalancerEnv["tls"]>, "hstsMaxAgeSeconds" | "sitesCertificate">>;
  },
): { balancer: NginxBalancerConfig; certificatesDir: string } {
  const index = new FsSiteIndex(path.join(nginx.root, "nginx", "site-index"));
  const certificatesDir = path.join(nginx.root, "certificates");
  const balancer = new NginxBalancerConfig({
    files: new NginxConfigStore(nginx.confDirs.sites ?? "", nginx.server, options.log),
    index,
    directories: { pathOf: (id) => path.join(nginx.root, "sites", String(id)) },
    env: {
      listen: `127.0.0.1:${nginx.port}`,
      sitesDomain: options.sitesDomain,
      defaultClientBodyLimitBytes: 1024 * 1024,
      indexDir: index.dir,
      tls: {
        listen: `127.0.0.1:${options.tlsPort}`,
        certificatesDir,
        certificates: new FsCertificateInspector(certificatesDir, options.log),
        ...options.tls,
      },
    },
    fileCacheValidMs: 0,
  });
  return { balancer, certificatesDir };
}
