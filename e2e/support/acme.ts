/**
 * A `director up` (not yet started) pointed at pebble, the test ACME server: pebble validates HTTP-01 on the edge's
 * port, and its DNS (challtestsrv) answers every name with 127.0.0.1, which is also what Director's checker is told
 * the public address is. Used by the custom-domain e2e test and bench/router.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@director/testing/free-port";
import { startTestPebble, type TestPebble } from "@director/testing/test-pebble";
import type { DirectorProcess } from "./director-process.js";

/** Starts pebble for `director` and sets its ACME, HTTPS and DNS variables; the caller starts the director. */
export async function startPebbleFor(director: DirectorProcess): Promise<{ pebble: TestPebble; httpsPort: number }> {
  const pebble = await startTestPebble({ httpPort: director.ports.sites });
  try {
    const caFile = path.join(director.dataDir, "pebble-listener-ca.pem");
    await writeFile(caFile, pebble.listenerCaPem);
    const httpsPort = await freePort();
    Object.assign(director.env, {
      DIRECTOR_ACME_DIRECTORY_URL: pebble.directoryUrl,
      DIRECTOR_ACME_CA_FILE: caFile,
      DIRECTOR_HTTPS_PORT: String(httpsPort),
      DIRECTOR_PUBLIC_ADDRESSES: "127.0.0.1",
      DIRECTOR_DNS_SERVERS: pebble.dnsServer,
    });
    return { pebble, httpsPort };
  } catch (error) {
    await pebble.stop();
    throw error;
  }
}
