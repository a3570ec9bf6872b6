/**
 * For integration tests: a manager app (test-manager-app.ts) on a fresh real PostgreSQL database, with helpers to add
 * logged-in users and call the API as them.
 */

import type { Actor } from "@director/domain/actor";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Wakeup } from "../adapters/wakeup.js";
import type { ManagerConfig } from "../config.js";
import type { Mailer } from "../features/mail/mailer.js";
import type { createManagerServices } from "../main.js";
import { testManagerConfig as baseTestManagerConfig, buildTestManagerApp } from "./test-manager-app.js";

export const testPassword = "a password long enough";

/** The test config of these tests: activity sites get their own URL pattern, to see it applied. */
export const testManagerConfig = baseTestManagerConfig({
  sites: { urlTemplatesByPurpose: { activity: "https://activities.school.test/{name}/" } },
});

export interface ManagerTestApp {
  database: ServerTestDatabase;
  app: FastifyInstance;
  services: ReturnType<typeof createManagerServices>;
  /** creates an account and logs it in; returns it as an Actor */
  addUser(
    username: string,
    options?: { isSuperuser?: boolean; role?: "student" | "teacher" | "service"; email?: string },
  ): Promise<Actor>;
  /** an API call as `who` (a username added with addUser), or unauthenticated with null */
  call(
    who: string | null,
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Starts the app on a new database; `mailer` defaults to the log mailer on a silent log, `mailWakeup` (told when mail
 * is enqueued) to one nobody listens to, `config` to testManagerConfig.
 */
export async function startManagerTestApp(
  options: { mailer?: Mailer; mailWakeup?: Wakeup; config?: ManagerConfig } = {},
): Promise<ManagerTestApp> {
  const database = await createServerTestDatabase();
  const { app, services } = await buildTestManagerApp(database, {
    config: options.config ?? testManagerConfig,
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(options.mailWakeup ? { mailWakeup: options.mailWakeup } : {}),
  });
  const tokens = new Map<string, string>();
  return {
    database,
    app,
    services,
    async addUser(username, userOptions = {}) {
      const user = await services.auth.createUser({
        username,
        password: testPassword,
        isSuperuser: userOptions.isSuperuser ?? false,
        email: userOptions.email ?? `${username}@school.test`,
        ...(userOptions.role ? { role: userOptions.role } : {}),
      });
      tokens.set(username, (await services.auth.login(username, testPassword)).token);
      return { id: user.id, username: user.username, isSuperuser: user.isSuperuser, role: user.role };
    },
    call(who, method, url, payload) {
      const token = who === null ? undefined : tokens.get(who);
      return app.inject({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload === undefined ? {} : { payload }),
      });
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
