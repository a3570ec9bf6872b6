/**
 * SSH: the keys a person logs in with and what the web interface shows about the shell server (public routes), and
 * the manager's internal API for the shell server (apps/shell), which holds no credential of its own to anything but
 * this API. The shell server proves who a person is here (a password, or a key whose signature it checked), receives
 * a login token tied to that person, and opens each channel (a shell, a command, sftp) through the manager, which
 * checks the site at once and for as long as the channel stays open.
 */
import { z } from "zod";
import { idParamsSchema, siteParamsSchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { terminalColsSchema, terminalProgramSchema, terminalRowsSchema } from "./orchestrator-terminals.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { ssh, shell } = managerPaths;

/** The separator between a username and a site in an SSH user name: `ssh alice+blog@host`. OpenSSH passes `+` as is. */
export const sshSiteSeparator = "+";

/** The key types the shell server accepts (RSA only from 2048 bits). */
export const sshKeyAlgorithms = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
] as const;
export type SshKeyAlgorithm = (typeof sshKeyAlgorithms)[number];

/** One of a person's keys, as listed: never the key itself twice, its fingerprint (`SHA256:…`, as ssh-keygen -l). */
export const sshKeyViewSchema = z.object({
  id: z.number(),
  label: z.string(),
  algorithm: z.enum(sshKeyAlgorithms),
  fingerprint: z.string(),
  /** RSA's modulus size, the curve's size for ECDSA, 256 for ed25519 */
  bits: z.number(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type SshKeyView = z.infer<typeof sshKeyViewSchema>;

/** POST /api/account/ssh-keys: a label and one line of an OpenSSH public key file (`ssh-ed25519 AAAA… comment`). */
export const addSshKeyRequestSchema = z.object({
  label: text().trim().min(1).max(100),
  publicKey: text()
    .trim()
    .min(1)
    .max(16 * 1024),
});

/** One of the shell server's host keys, for people to check what `ssh` shows the first time. */
export const sshHostKeySchema = z.object({ algorithm: z.string(), fingerprint: z.string() });

/** GET /api/ssh: whether SSH is offered, where, and how to name a site in the user name. */
export const sshInfoSchema = z.object({
  isAvailable: z.boolean(),
  /** the host people connect to (the manager's public host) */
  host: z.string(),
  port: z.number().nullable(),
  siteSeparator: z.string(),
  hostKeys: z.array(sshHostKeySchema),
});
export type SshInfo = z.infer<typeof sshInfoSchema>;

export const sshRoutes = {
  info: route({
    ...ssh.info,
    caller: "person",
    summary: "where the shell server listens and its host keys' fingerprints",
    answer: sshInfoSchema,
    answerKind: "json",
  }),
  listKeys: route({
    ...ssh.listKeys,
    caller: "person",
    summary: "the caller's SSH public keys, with fingerprints",
    answer: z.object({ keys: z.array(sshKeyViewSchema) }),
    answerKind: "json",
  }),
  addKey: route({
    ...ssh.addKey,
    caller: "person",
    summary: "add an SSH public key (ed25519, ecdsa, RSA ≥ 2048) to the caller's account",
    body: addSshKeyRequestSchema,
    answer: sshKeyViewSchema,
    answerKind: "json",
    status: 201,
  }),
  removeKey: route({
    ...ssh.removeKey,
    caller: "person",
    summary: "remove one of the caller's SSH keys",
    params: idParamsSchema,
    answerKind: "empty",
  }),
};

/** A public key as the SSH protocol carries it: its algorithm name and its blob (base64). */
export const sshPublicKeySchema = z.object({
  algorithm: text().max(64),
  /** base64 of the key blob (RFC 4253 §6.6); 16 KiB holds RSA 16384 */
  data: text()
    .max(16 * 1024)
    .regex(/^[A-Za-z0-9+/]+=*$/),
});

/** The SSH user name split: `alice` or `alice+blog` (sshSiteSeparator). */
const sshUsernameSchema = text().min(1).max(64);

/** The address the SSH client connects from, for the per-address limit and the audit log. */
const clientAddressSchema = text().min(1).max(64);

export const shellKeyCheckRequestSchema = z.object({ username: sshUsernameSchema, publicKey: sshPublicKeySchema });

export const shellLoginRequestSchema = z.object({
  username: sshUsernameSchema,
  address: clientAddressSchema,
  credential: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("password"), password: z.string().max(1024) }),
    /** the shell server checked the client's signature over the session with this key */
    z.object({ kind: z.literal("publickey"), publicKey: sshPublicKeySchema }),
  ]),
});

/** A login's answer: the token that opens channels (header `x-director-login`), and who logged in. */
export const shellLoginResponseSchema = z.object({ token: z.string(), username: z.string(), expiresAt: z.string() });

/** The header carrying a shell login's token on the routes below. */
export const shellLoginHeader = "x-director-login";

export const shellSiteSchema = z.object({ name: z.string(), type: z.string(), isEnabled: z.boolean() });

/**
 * The first text frame on a channel: what to run and the terminal's size. The manager adds the site's process
 * settings and sends it on to the orchestrator (orchestrator-terminals.ts); everything after is as there.
 */
export const shellChannelOpenSchema = z
  .object({
    type: z.literal("open"),
    cols: terminalColsSchema,
    rows: terminalRowsSchema,
    program: terminalProgramSchema,
    hasTty: z.boolean(),
  })
  .strict();
export type ShellChannelOpen = z.infer<typeof shellChannelOpenSchema>;

export const shellHostKeysRequestSchema = z.object({
  keys: z.array(sshHostKeySchema).min(1).max(8),
  /** the port people connect to */
  port: z.number().int().min(1).max(65535),
});

export const shellRoutes = {
  checkKey: route({
    ...shell.checkKey,
    caller: "internal",
    summary: "whether a public key may log this person in (the client asks before it signs)",
    body: shellKeyCheckRequestSchema,
    answer: z.object({ isAccepted: z.boolean() }),
    answerKind: "json",
  }),
  login: route({
    ...shell.login,
    caller: "internal",
    summary: "log a person in over SSH (password, or a key the shell server checked the signature of)",
    body: shellLoginRequestSchema,
    answer: shellLoginResponseSchema,
    answerKind: "json",
  }),
  logout: route({
    ...shell.logout,
    caller: "internal",
    summary: "end a shell login (its SSH connection closed)",
    answerKind: "empty",
  }),
  sites: route({
    ...shell.sites,
    caller: "internal",
    summary: "the sites the logged-in person may open a shell in, for the site picker",
    answer: z.object({ sites: z.array(shellSiteSchema) }),
    answerKind: "json",
  }),
  channel: route({
    ...shell.channel,
    caller: "internal",
    summary: "a shell, command or sftp session in a site for the logged-in person, as a WebSocket",
    params: siteParamsSchema,
    answerKind: "stream",
  }),
  hostKeys: route({
    ...shell.hostKeys,
    caller: "internal",
    summary: "the shell server's host key fingerprints and port, shown to people",
    body: shellHostKeysRequestSchema,
    answerKind: "empty",
  }),
};
