/** The manager's configuration of the other components it calls and of the secrets it keeps: sections of its table (config.ts). */
import { variable } from "@director/config/config-table";
import { z } from "zod";

/** The orchestrator's and router's internal APIs, and the shell server's token on the manager's. */
export const componentsConfigTable = {
  orchestrator: {
    url: variable({
      env: "DIRECTOR_ORCHESTRATOR_URL",
      schema: z.string().url(),
      doc: "the orchestrator's internal API (`http://host:7001`)",
    }),
    token: variable({
      env: "DIRECTOR_ORCHESTRATOR_TOKEN",
      schema: z.string().min(32),
      doc: "the token the orchestrator expects (32+ characters)",
      isSecret: true,
    }),
  },
  shell: {
    token: variable({
      env: "DIRECTOR_SHELL_TOKEN",
      schema: z.string().min(32).optional(),
      doc: "the token the shell server sends on the manager's internal API (32+ characters)",
      defaultDoc: "unset: no shell server may connect",
      isSecret: true,
    }),
    previousToken: variable({
      env: "DIRECTOR_SHELL_PREVIOUS_TOKEN",
      schema: z.string().min(32).optional(),
      doc: "during a rotation: the shell server's old token, still accepted until it is removed (see Rotating the internal tokens)",
      defaultDoc: "none: only DIRECTOR_SHELL_TOKEN is accepted",
      isSecret: true,
    }),
  },
  router: {
    url: variable({
      env: "DIRECTOR_ROUTER_URL",
      schema: z.string().url(),
      doc: "the router's internal API (`http://host:7002`)",
    }),
    token: variable({
      env: "DIRECTOR_ROUTER_TOKEN",
      schema: z.string().min(32),
      doc: "the token the router expects (32+ characters)",
      isSecret: true,
    }),
  },
};

/** The key of secrets the manager keeps at rest in its database (database hosts' admin URLs). */
export const secretsConfigTable = {
  key: variable({
    env: "DIRECTOR_SECRETS_KEY",
    schema: z
      .string()
      .refine((value) => /^[A-Za-z0-9+/]{43}=$/.test(value), "32 bytes in base64 (`openssl rand -base64 32`)")
      .optional(),
    doc: "the key (32 bytes, base64: `openssl rand -base64 32`) encrypting database credentials and site secrets at rest; back it up with the database: it cannot change once any exist",
    defaultDoc: "unset: no database hosts (`director up` makes one)",
    isSecret: true,
  }),
};
