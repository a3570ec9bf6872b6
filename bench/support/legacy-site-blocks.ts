/**
 * The baseline of bench/scale: the per-site-file design issue 10 replaced, where every site had its own server block
 * and every change of one site ran `nginx -t` over all of them, then a reload that parsed them all again. This writes
 * `count` blocks as that design rendered a static site's (its text, from before issue 10) into a scratch nginx prefix
 * and times one `nginx -t`: what each change paid, twice.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderMainConfig } from "@director/host/nginx-main-config";
import { renderMimeTypes } from "@director/host/nginx-mime-types";

function legacyStaticBlock(id: number): string {
  return `# Site ${id} (scale-${id}), written by the Director orchestrator; edits here are overwritten.
server {
    listen 127.0.0.1:18081;
    server_name scale-${id}.sites.localhost;
    client_max_body_size 2097152;
    disable_symlinks on;
    root /srv/director/sites/${id}/public;
    index index.html index.htm;
    location / {
        try_files $uri $uri/ =404;
    }
}
`;
}

/** Milliseconds of one `nginx -t` over `count` per-site server blocks (the median of three). */
export async function legacySiteBlocksCheckMs(count: number): Promise<number> {
  const prefix = await mkdtemp(path.join(tmpdir(), "director-legacy-blocks-"));
  try {
    const sitesDir = path.join(prefix, "sites");
    await mkdir(sitesDir);
    await mkdir(path.join(prefix, "logs"));
    for (const name of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
      await mkdir(path.join(prefix, "tmp", name), { recursive: true });
    }
    await writeFile(path.join(prefix, "mime.types"), renderMimeTypes());
    const config = renderMainConfig({
      prefixDir: prefix,
      includeDirs: [sitesDir],
      workerUser: null,
      workerProcesses: 2,
    });
    await writeFile(path.join(prefix, "nginx.conf"), config);
    for (let id = 1; id <= count; id++) await writeFile(path.join(sitesDir, `site-${id}.conf`), legacyStaticBlock(id));
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      execFileSync("/usr/sbin/nginx", [
        "-t",
        "-q",
        "-p",
        prefix,
        "-c",
        path.join(prefix, "nginx.conf"),
        "-e",
        "stderr",
      ]);
      times.push(performance.now() - started);
    }
    return Math.round(times.sort((a, b) => a - b)[1] ?? 0);
  } finally {
    await rm(prefix, { recursive: true, force: true });
  }
}
