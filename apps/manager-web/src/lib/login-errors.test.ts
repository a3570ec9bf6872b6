import { describe, expect, it } from "vitest";
import { loginErrorFromSearch } from "./login-errors";

describe("loginErrorFromSearch", () => {
  it("says a known code in words", () => {
    expect(loginErrorFromSearch("?error=ACCOUNT_DISABLED")).toMatch(/^Your account is disabled/);
    expect(loginErrorFromSearch("?error=OIDC_STATE_INVALID")).toMatch(/log in again/);
  });
  it("names an unknown code without repeating more than a short code", () => {
    expect(loginErrorFromSearch("?error=SOMETHING_NEW")).toBe(
      "The login could not be completed (SOMETHING_NEW). Please try again.",
    );
    expect(loginErrorFromSearch(`?error=${"A".repeat(500)}`)).toBe(
      "The login could not be completed. Please try again.",
    );
    expect(loginErrorFromSearch("?error=Call+555-0100+now")).toBe(
      "The login could not be completed. Please try again.",
    );
  });
  it("is null without an error", () => {
    expect(loginErrorFromSearch("")).toBeNull();
    expect(loginErrorFromSearch("?error=")).toBeNull();
    expect(loginErrorFromSearch("?next=/")).toBeNull();
  });
  it("does not read an own-property trap such as __proto__ as a message", () => {
    expect(loginErrorFromSearch("?error=__proto__")).toBe("The login could not be completed. Please try again.");
    expect(loginErrorFromSearch("?error=CONSTRUCTOR")).toBe(
      "The login could not be completed (CONSTRUCTOR). Please try again.",
    );
  });
});
