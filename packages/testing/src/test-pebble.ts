/**
 * A real ACME server for tests: pebble (Let's Encrypt's test CA, Debian's `pebble` package) beside
 * pebble-challtestsrv as its DNS server, so every name resolves to 127.0.0.1 and pebble's HTTP-01 validator fetches
 * tokens from the test's nginx. Validation really happens (no PEBBLE_VA_ALWAYS_VALID); only its random delays are
 * off (PEBBLE_VA_NOSLEEP).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCommand } from "@director/host/run-command";
import { freePort } from "./free-port.js";

/** A running pebble; `stop()` ends both processes and removes the temporary directory. */
export interface TestPebble {
  /** the ACME directory URL (https://127.0.0.1:<port>/dir) */
  directoryUrl: string;
  /** the CA that signed pebble's HTTPS listener (ACME and management), for the ACME client to trust */
  listenerCaPem: string;
  /** `IP:PORT` of the DNS server pebble validates with (pebble-challtestsrv): every name resolves to 127.0.0.1 */
  dnsServer: string;
  /** Makes `host` resolve to `addresses` (A records) instead of 127.0.0.1; [] puts the default back. */
  setAddresses(host: string, addresses: readonly string[]): Promise<void>;
  /** the root pebble issues certificates under (made anew at every start): what a client of the site trusts */
  issuingRootPem(): Promise<string>;
  stop(): Promise<void>;
}

const startTimeoutMs = 15_000;
const stopTimeoutMs = 5_000;
const outputTailBytes = 8_192;

/** A child process with the end of its output kept for error messages. */
interface Running {
  name: string;
  child: ChildProcess;
  outputTail: string;
}

/**
 * Starts pebble with its validator connecting to `httpPort` for HTTP-01 (the test nginx's port), on free loopback
 * ports of its own.
 */
export async function startTestPebble(options: { httpPort: number }): Promise<TestPebble> {
  const dir = await mkdtemp(path.join(tmpdir(), "director-pebble-"));
  const running: Running[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(running.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const listenerCaPem = await makeListenerCertificates(dir);
    const [acmePort, managementPort, tlsPort, dnsPort, challtestsrvManagementPort] = await distinctFreePorts(5);
    const configPath = path.join(dir, "pebble-config.json");
    await writeFile(
      configPath,
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${acmePort}`,
          managementListenAddress: `127.0.0.1:${managementPort}`,
          certificate: path.join(dir, "listener.pem"),
          privateKey: path.join(dir, "listener.key"),
          httpPort: options.httpPort,
          tlsPort,
          ocspResponderURL: "",
          externalAccountBindingRequired: false,
        },
      }),
    );
    // Every A query answers 127.0.0.1 and no AAAA answer exists, so the validator dials the test nginx over IPv4.
    running.push(
      startProcess("pebble-challtestsrv", [
        "-dns01",
        `127.0.0.1:${dnsPort}`,
        "-http01",
        "",
        "-https01",
        "",
        "-tlsalpn01",
        "",
        "-management",
        `127.0.0.1:${challtestsrvManagementPort}`,
        "-defaultIPv4",
        "127.0.0.1",
        "-defaultIPv6",
        "",
      ]),
    );
    running.push(startProcess("pebble", ["-config", configPath, "-dnsserver", `127.0.0.1:${dnsPort}`]));
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    await waitUntilAnswering(directoryUrl, listenerCaPem, running);
    return {
      directoryUrl,
      listenerCaPem,
      dnsServer: `127.0.0.1:${dnsPort}`,
      setAddresses: async (host, addresses) => {
        const management = `http://127.0.0.1:${challtestsrvManagementPort}`;
        await postJson(`${management}/clear-a`, { host: `${host}.` });
        if (addresses.length > 0) await postJson(`${management}/add-a`, { host: `${host}.`, addresses });
      },
      issuingRootPem: async () => {
        const answer = await httpsGet(`https://127.0.0.1:${managementPort}/roots/0`, listenerCaPem);
        if (answer.status !== 200) throw new Error(`pebble's /roots/0 answered ${answer.status}: ${answer.body}`);
        return answer.body;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Makes a CA and, signed by it, the certificate for localhost/127.0.0.1 that pebble's listener serves. */
async function makeListenerCertificates(dir: string): Promise<string> {
  const file = (name: string) => path.join(dir, name);
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"] as const;
  await openssl([
    "req",
    "-x509",
    ...ecKey,
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=Director test pebble listener CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await openssl([
    "req",
    ...ecKey,
    "-keyout",
    file("listener.key"),
    "-out",
    file("listener.csr"),
    "-subj",
    "/CN=localhost",
  ]);
  await writeFile(
    file("listener.ext"),
    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    file("listener.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    file("listener.ext"),
    "-out",
    file("listener.pem"),
  ]);
  return readFile(file("ca.pem"), "utf8");
}

async function openssl(args: readonly string[]): Promise<void> {
  const result = await runCommand(["openssl", ...args], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.trim()}`);
}

/** Free ports that differ from each other (freePort alone may hand out the same port twice before anyone binds it). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function startProcess(program: string, args: readonly string[]): Running {
  // The inherited environment minus pebble's switches, so a developer's PEBBLE_VA_ALWAYS_VALID cannot skip validation.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PEBBLE_")));
  const child = spawn(program, args, {
    env: { ...env, PEBBLE_VA_NOSLEEP: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const running: Running = { name: program, child, outputTail: "" };
  const keep = (chunk: Buffer) => {
    running.outputTail = (running.outputTail + chunk.toString("utf8")).slice(-outputTailBytes);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("error", (error) => keep(Buffer.from(`\n${error.message}\n`)));
  return running;
}

function hasExited(running: Running): boolean {
  return running.child.exitCode !== null || running.child.signalCode !== null || running.child.pid === undefined;
}

/** Ends the process by its pid: SIGTERM, then SIGKILL if it has not exited in time. */
async function stopProcess(running: Running): Promise<void> {
  const { child } = running;
  if (hasExited(running)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

async function waitUntilAnswering(url: string, caPem: string, running: readonly Running[]): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    const ended = running.find(hasExited);
    if (ended !== undefined) {
      throw new Error(`${ended.name} exited during start-up: ${ended.outputTail.trim()}`);
    }
    try {
      const answer = await httpsGet(url, caPem);
      if (answer.status === 200) return;
      lastProblem = `status ${answer.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const output = running.map((r) => `${r.name}: ${r.outputTail.trim()}`).join("\n");
  throw new Error(`pebble did not answer ${url} within ${startTimeoutMs} ms (${lastProblem}).\n${output}`);
}

/** GETs `url` trusting only `caPem`. */
function httpsGet(url: string, caPem: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca: caPem, agent: false, timeout: 5_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within 5 s`)));
    request.on("error", reject);
  });
}

/** POSTs a JSON body to pebble-challtestsrv's management API; throws unless it answers 200. */
async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
}
