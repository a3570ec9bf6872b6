/**
 * A browser's part of a login at the test identity provider, for the OpenID Connect and OAuth2 login tests: the
 * redirects are followed by hand, cookies kept per origin as a browser would. The manager is reached in-process
 * (inject); only the provider listens.
 */
import { httpRequest } from "@director/testing/http-request";
import type { TestOidcClaims, TestOidcProvider } from "@director/testing/test-oidc-provider";
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";

/** The callback URL the manager is registered with at the test provider. */
export const testRedirectUrl = "http://director.test/api/auth/oidc/callback";

/** A browser navigation that failed goes back to the login page with the stable code (the page says it in words). */
export function expectBackToLogin(
  answer: { statusCode: number; headers: Record<string, unknown>; body: string },
  code: string,
): void {
  expect(answer.statusCode, answer.body).toBe(302);
  expect(answer.headers.location).toBe(`/login?error=${code}`);
}

/** Cookies of one origin, by name (enough for these flows: names do not repeat across paths). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(setCookie: string | string[] | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (!pair || at < 1) continue;
      const value = pair.slice(at + 1);
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(pair.slice(0, at));
      else this.#cookies.set(pair.slice(0, at), value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/**
 * Logs `claims` in at the provider and runs the browser from the manager's start route to its callback; returns
 * the callback's answer, the manager's cookies and the authorization URL the manager sent the browser to.
 */
export async function browserLogin(options: {
  manager: FastifyInstance;
  provider: TestOidcProvider;
  claims: TestOidcClaims;
  tamper?: (callbackPath: string) => string;
}) {
  const { manager, provider } = options;
  provider.nextLogin(options.claims);
  const managerJar = new CookieJar();
  const providerJar = new CookieJar();
  const start = await manager.inject({ method: "GET", url: "/api/auth/oidc/start" });
  expect(start.statusCode, start.body).toBe(302);
  managerJar.take(start.headers["set-cookie"]);
  const authorizationUrl = new URL(String(start.headers.location));
  expect(authorizationUrl.href.startsWith(`${provider.issuer}/`)).toBe(true);
  let location = authorizationUrl.href;
  for (let hops = 0; !location.startsWith(testRedirectUrl); hops++) {
    if (hops > 10) throw new Error(`too many redirects at the provider, last ${location}`);
    const answer = await httpRequest({ url: location, headers: { cookie: providerJar.header() } });
    providerJar.take(answer.headers["set-cookie"]);
    if (answer.status < 300 || answer.status >= 400) throw new Error(`provider: ${answer.status} ${answer.text}`);
    location = new URL(String(answer.headers.location), location).href;
  }
  let callbackPath = location.slice(new URL(testRedirectUrl).origin.length);
  if (options.tamper) callbackPath = options.tamper(callbackPath);
  const callback = await manager.inject({ method: "GET", url: callbackPath, headers: { cookie: managerJar.header() } });
  managerJar.take(callback.headers["set-cookie"]);
  return { callback, managerJar, authorizationUrl };
}
