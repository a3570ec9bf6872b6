import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One socket as `ss` lists it: its inode (unix) or addresses (TCP), and the processes holding it. */
interface SocketLine {
  local: string;
  peer: string;
  users: string;
}

/** `ss -H -p` with `args`, parsed; needs root to see other processes' sockets (dockerd's). */
async function sockets(args: string[]): Promise<SocketLine[]> {
  const { stdout } = await run("ss", ["-H", "-p", ...args]);
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      // With a state filter ss leaves out the state column. unix: netid recv-q send-q local-path local-inode
      // peer-path peer-inode users; TCP (-t, no netid column): recv-q send-q local peer users
      const users = fields.find((field) => field.startsWith("users:")) ?? "";
      return args.includes("-x")
        ? { local: fields[4] ?? "", peer: fields[6] ?? "", users }
        : { local: fields[2] ?? "", peer: fields[3] ?? "", users };
    });
}

/** Open connections from process `pid` to the Docker engine (unix sockets whose other end dockerd holds). */
export async function dockerConnectionsOf(pid: number): Promise<number> {
  const all = await sockets(["-x", "state", "established"]);
  const dockerdInodes = new Set(all.filter((line) => line.users.includes('"dockerd"')).map((line) => line.local));
  return all.filter((line) => line.users.includes(`pid=${pid},`) && dockerdInodes.has(line.peer)).length;
}

/** Established TCP connections that process `pid` opened to `port` on this machine. */
export async function tcpConnectionsTo(pid: number, port: number): Promise<number> {
  const all = await sockets(["-t", "-n", "state", "established", `( dport = :${port} )`]);
  return all.filter((line) => line.users.includes(`pid=${pid},`)).length;
}
