/**
 * Enough of SFTP version 3 (draft-ietf-secsh-filexfer-02) to drive an sftp-server through a terminal socket without a
 * TTY: packets are `uint32 length, byte type, payload` (§3); requests carry a uint32 id that their answer repeats.
 * https://datatracker.ietf.org/doc/html/draft-ietf-secsh-filexfer-02
 */
import type { TerminalTestClient } from "./terminal-client.js";

/** Packet types (§3, §7). */
export const sftpPacket = {
  init: 1,
  version: 2,
  open: 3,
  close: 4,
  read: 5,
  write: 6,
  opendir: 11,
  readdir: 12,
  realpath: 16,
  status: 101,
  handle: 102,
  data: 103,
  name: 104,
} as const;

/** SSH_FXF_* open flags (§6.3). */
export const sftpOpenFlags = { read: 0x01, write: 0x02, create: 0x08, truncate: 0x10 } as const;
/** SSH_FX_* status codes (§7). */
export const sftpStatus = { ok: 0, eof: 1, noSuchFile: 2, permissionDenied: 3, failure: 4 } as const;

/** An answer: its type and the bytes after the type (the request id first, except for VERSION). */
export interface SftpAnswer {
  type: number;
  payload: Buffer;
}

export const sftpUint32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};
export const sftpUint64 = (value: number): Buffer => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
};
export const sftpString = (value: string | Buffer): Buffer => {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([sftpUint32(bytes.length), bytes]);
};

/** Reads the fields of an answer in order. */
export class SftpReader {
  #offset = 0;
  constructor(private readonly bytes: Buffer) {}
  uint32(): number {
    const value = this.bytes.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }
  string(): Buffer {
    const length = this.uint32();
    const value = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }
}

/** An SFTP client over a terminal test client opened with `program: {kind: "sftp"}, hasTty: false`. */
export class SftpTestClient {
  readonly #terminal: TerminalTestClient;
  #nextId = 1;
  /** how many bytes of stdout were taken as packets already */
  #consumed = 0;

  constructor(terminal: TerminalTestClient) {
    this.#terminal = terminal;
  }

  /** INIT with version 3; the server's version. */
  async init(): Promise<number> {
    this.#send(sftpPacket.init, sftpUint32(3));
    const answer = await this.#nextPacket();
    if (answer.type !== sftpPacket.version) throw new Error(`expected VERSION, got type ${answer.type}`);
    return answer.payload.readUInt32BE(0);
  }

  /** A request; its answer (type and the payload after the id). */
  async request(type: number, ...fields: Buffer[]): Promise<SftpAnswer> {
    const id = this.#nextId++;
    this.#send(type, Buffer.concat([sftpUint32(id), ...fields]));
    const answer = await this.#nextPacket();
    const answeredId = answer.payload.readUInt32BE(0);
    if (answeredId !== id) throw new Error(`answer for request ${answeredId}, expected ${id}`);
    return { type: answer.type, payload: answer.payload.subarray(4) };
  }

  /** REALPATH: the canonical path the server gives. */
  async realpath(path: string): Promise<SftpAnswer & { path?: string }> {
    const answer = await this.request(sftpPacket.realpath, sftpString(path));
    if (answer.type !== sftpPacket.name) return answer;
    const reader = new SftpReader(answer.payload);
    reader.uint32(); // count: 1
    return { ...answer, path: reader.string().toString() };
  }

  /** OPEN with no attributes; the handle, or the STATUS answer's code. */
  async open(path: string, flags: number): Promise<{ handle: Buffer } | { status: number }> {
    const answer = await this.request(sftpPacket.open, sftpString(path), sftpUint32(flags), sftpUint32(0));
    const reader = new SftpReader(answer.payload);
    return answer.type === sftpPacket.handle ? { handle: reader.string() } : { status: reader.uint32() };
  }

  /** The whole file (READs until EOF), or the first STATUS code other than EOF. */
  async readAll(handle: Buffer): Promise<{ data: Buffer } | { status: number }> {
    const chunks: Buffer[] = [];
    for (let offset = 0; ; ) {
      const answer = await this.request(sftpPacket.read, sftpString(handle), sftpUint64(offset), sftpUint32(32_768));
      const reader = new SftpReader(answer.payload);
      if (answer.type === sftpPacket.data) {
        const data = reader.string();
        chunks.push(data);
        offset += data.length;
        continue;
      }
      const status = reader.uint32();
      return status === sftpStatus.eof ? { data: Buffer.concat(chunks) } : { status };
    }
  }

  /** WRITE at offset 0; the STATUS code. */
  async write(handle: Buffer, data: Buffer): Promise<number> {
    const answer = await this.request(sftpPacket.write, sftpString(handle), sftpUint64(0), sftpString(data));
    return new SftpReader(answer.payload).uint32();
  }

  /** CLOSE; the STATUS code. */
  async close(handle: Buffer): Promise<number> {
    return new SftpReader((await this.request(sftpPacket.close, sftpString(handle))).payload).uint32();
  }

  /** The names in a directory (OPENDIR, READDIR until EOF), or the STATUS code of a refusal. */
  async list(path: string): Promise<{ names: string[] } | { status: number }> {
    const opened = await this.request(sftpPacket.opendir, sftpString(path));
    const handle = new SftpReader(opened.payload);
    if (opened.type !== sftpPacket.handle) return { status: handle.uint32() };
    const handleBytes = handle.string();
    const names: string[] = [];
    for (;;) {
      const answer = await this.request(sftpPacket.readdir, sftpString(handleBytes));
      const reader = new SftpReader(answer.payload);
      if (answer.type !== sftpPacket.name) break;
      const count = reader.uint32();
      for (let index = 0; index < count; index++) {
        names.push(reader.string().toString());
        reader.string(); // longname
        skipAttributes(reader);
      }
    }
    await this.close(handleBytes);
    return { names };
  }

  #send(type: number, payload: Buffer): void {
    this.#terminal.send(Buffer.concat([sftpUint32(payload.length + 1), Buffer.of(type), payload]));
  }

  async #nextPacket(): Promise<SftpAnswer> {
    const packet = await this.#terminal.waitFor(
      () => {
        const pending = this.#terminal.streams().stdout.subarray(this.#consumed);
        if (pending.length < 4) return undefined;
        const length = pending.readUInt32BE(0);
        return pending.length < 4 + length ? undefined : pending.subarray(4, 4 + length);
      },
      20_000,
      "an SFTP packet",
    );
    this.#consumed += 4 + packet.length;
    return { type: packet[0] ?? 0, payload: packet.subarray(1) };
  }
}

/** ATTRS (§5): flags, then the fields the flags announce. */
function skipAttributes(reader: SftpReader): void {
  const flags = reader.uint32();
  const wordsOf = [
    [0x1, 2], // size, uint64
    [0x2, 2], // uid, gid
    [0x4, 1], // permissions
    [0x8, 2], // atime, mtime
  ] as const;
  for (const [flag, words] of wordsOf) {
    if (flags & flag) for (let word = 0; word < words; word++) reader.uint32();
  }
  if (flags & 0x80000000) {
    const count = reader.uint32();
    for (let index = 0; index < 2 * count; index++) reader.string(); // name and data of each extension
  }
}
