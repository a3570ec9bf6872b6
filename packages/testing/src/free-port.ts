import { createServer } from "node:net";

// Below Linux's ephemeral range (ip_local_port_range, 32768–60999 by default): a port the OS hands out for
// bind(0) can be taken by any outgoing connection (a database pool's, say) before the test's server binds it.
const lowestPort = 20_000;
const highestPort = 32_000;

/** A TCP port on 127.0.0.1 that is free now and outside the range outgoing connections use. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = lowestPort + Math.floor(Math.random() * (highestPort - lowestPort));
    if (await isFree(port)) return port;
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
