import { type ErrorCode, errorCodes } from "@director/domain/errors";

/** The HTTP status of an error code, from the one table of codes (packages/domain/src/errors.ts). */
export function errorStatus(code: ErrorCode): number {
  return errorCodes[code].status;
}
