import { createServer } from "node:net";

// Below Linux's ephemeral range (ip_local_port_range, 32768–60999 by default): a port the OS hands out for
// bind(0) can be taken by any outgoing connection (a database pool's, say) before the test's server binds it.
const lowestPort = 20_000;
const highestPort = 32_000;

// Ports already handed out by this process. Callers ask for several ports before anything binds them (a
// `director up` takes seven), so "free now" alone let two of them draw the same number: CI once saw the embedded
// PostgreSQL and the manager both given 20578.
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that is free now, outside the range outgoing connections use, and never handed out
 * before by this process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = lowestPort + Math.floor(Math.random() * (highestPort - lowestPort));
    if (handedOut.has(port)) continue;
    if (await isFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${lowestPort} and ${highestPort}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
