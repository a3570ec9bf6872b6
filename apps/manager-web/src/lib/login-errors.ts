/**
 * What a failed login with the institution's account means, in words. The manager sends the browser back to
 * `/login?error=CODE` with only the stable code (never a message, so no one can put their own words on this page);
 * the words live here.
 */
const loginErrorMessages: Readonly<Record<string, string>> = {
  OIDC_STATE_INVALID:
    "That login took too long or was started in another browser window. Please log in again from this page.",
  OIDC_LOGIN_FAILED:
    "Your institution's login did not complete. Please try again; if it keeps failing, tell an administrator.",
  OIDC_ACCOUNT_CONFLICT:
    "Your institution account's username already belongs to a Director account that logs in with a password. Log in with the password, or ask an administrator to link the accounts.",
  OIDC_PROVIDER_UNAVAILABLE: "Your institution's login service did not answer. Please try again in a few minutes.",
  OIDC_NOT_CONFIGURED: "Login with an institution account is not set up here. Log in with a Director password.",
  ACCOUNT_DISABLED: "Your account is disabled. Ask an administrator if you think this is a mistake.",
  RATE_LIMITED: "Too many login attempts. Please wait a minute and try again.",
};

/** The message for `?error=` of the login page's address, or null when there is none. */
export function loginErrorFromSearch(search: string): string | null {
  const code = new URLSearchParams(search).get("error");
  if (code === null || code === "") return null;
  if (Object.hasOwn(loginErrorMessages, code)) return loginErrorMessages[code] ?? null;
  // Only something shaped like a stable code is repeated; anything else gets the plain sentence.
  const shown = /^[A-Z][A-Z_]{0,63}$/.test(code) ? ` (${code})` : "";
  return `The login could not be completed${shown}. Please try again.`;
}
