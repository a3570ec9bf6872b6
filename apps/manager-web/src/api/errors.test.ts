import { describe, expect, it } from "vitest";
import {
  ApiError,
  fieldErrorsOf,
  formLevelError,
  isGuidelinesRequired,
  isLoginRequired,
  messageOf,
  networkError,
  toApiError,
} from "./errors";

describe("toApiError", () => {
  it("keeps the API's code, message, status and details", () => {
    const error = toApiError(400, {
      error: { code: "VALIDATION_FAILED", message: "not valid", details: { fields: { name: "too short" } } },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "VALIDATION_FAILED", message: "not valid" });
    expect(error.details).toEqual({ fields: { name: "too short" } });
  });

  it("turns an answer that is not an error body (a proxy's HTML page, an empty body) into BAD_RESPONSE", () => {
    for (const body of ["<html>502 Bad Gateway</html>", undefined, { error: "nope" }, { error: { code: 1 } }, [1]]) {
      const error = toApiError(502, body);
      expect(error.code).toBe("BAD_RESPONSE");
      expect(error.status).toBe(502);
      expect(error.message).toContain("502");
    }
  });

  it("ignores details that are not an object", () => {
    expect(toApiError(400, { error: { code: "X", message: "m", details: "text" } }).details).toBeUndefined();
  });
});

describe("networkError", () => {
  it("has status 0 and says Director could not be reached, with the reason", () => {
    const error = networkError(new TypeError("Failed to fetch"));
    expect(error).toMatchObject({ status: 0, code: "NETWORK_FAILED" });
    expect(error.message).toContain("Failed to fetch");
  });
});

describe("fieldErrorsOf", () => {
  it("reads details.fields of a validation error, dropping values that are not text", () => {
    const error = new ApiError(400, "VALIDATION_FAILED", "not valid", {
      fields: { description: "Too big: at most 2000 characters", "limits.cpus": "Too small", odd: 3 },
    });
    expect(fieldErrorsOf(error)).toEqual({
      description: "Too big: at most 2000 characters",
      "limits.cpus": "Too small",
    });
  });

  it("puts a domain error with no fields under the field its code belongs to", () => {
    expect(fieldErrorsOf(new ApiError(409, "SITE_NAME_TAKEN", "The name blog is taken."))).toEqual({
      name: "The name blog is taken.",
    });
    expect(fieldErrorsOf(new ApiError(400, "USERNAME_INVALID", "bad username"))).toEqual({ username: "bad username" });
  });

  it("keeps the API's own field message over the one the code implies", () => {
    const error = new ApiError(400, "SITE_NAME_INVALID", "general", { fields: { name: "specific" } });
    expect(fieldErrorsOf(error)).toEqual({ name: "specific" });
  });

  it("is empty for errors about no field, and for anything that is not an ApiError", () => {
    expect(fieldErrorsOf(new ApiError(409, "SITE_BUSY", "busy"))).toEqual({});
    expect(fieldErrorsOf(new Error("boom"))).toEqual({});
    expect(fieldErrorsOf(null)).toEqual({});
  });
});

describe("formLevelError", () => {
  const taken = new ApiError(409, "SITE_NAME_TAKEN", "taken");
  it("is null when every field message is shown under a field of the form", () => {
    expect(formLevelError(taken, ["name", "type"])).toBeNull();
  });
  it("is the error when it concerns no field, or a field the form does not have", () => {
    const busy = new ApiError(409, "SITE_BUSY", "busy");
    expect(formLevelError(busy, ["name"])).toBe(busy);
    expect(formLevelError(taken, ["description"])).toBe(taken);
    const body = new ApiError(400, "VALIDATION_FAILED", "x", { fields: { body: "Invalid input" } });
    expect(formLevelError(body, ["name"])).toBe(body);
  });
  it("is null without an error", () => {
    expect(formLevelError(null, ["name"])).toBeNull();
    expect(formLevelError(undefined, ["name"])).toBeNull();
  });
});

describe("what a page does about an error", () => {
  it("asks for a login only when the session is missing, not when a password is wrong", () => {
    expect(isLoginRequired(new ApiError(401, "AUTH_REQUIRED", "Log in first"))).toBe(true);
    expect(isLoginRequired(new ApiError(401, "AUTH_INVALID_CREDENTIALS", "Wrong password"))).toBe(false);
  });

  it("sends to the guidelines on GUIDELINES_NOT_ACCEPTED", () => {
    expect(isGuidelinesRequired(new ApiError(403, "GUIDELINES_NOT_ACCEPTED", "Accept first"))).toBe(true);
    expect(isGuidelinesRequired(new ApiError(403, "FORBIDDEN", "No"))).toBe(false);
  });

  it("has a sentence for anything thrown", () => {
    expect(messageOf(new ApiError(409, "SITE_BUSY", "The site is busy."))).toBe("The site is busy.");
    expect(messageOf(new Error("boom"))).toBe("boom");
    expect(messageOf("text")).toBe("text");
  });
});
