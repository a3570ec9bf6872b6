/**
 * A rotation of an internal token, as an operator runs it on one component: first the component accepts the new
 * token and the old one (callers move over meanwhile), then the new one only. Each phase starts the component with
 * its real configuration and answers what one internal call got with each token; the caller asserts the table.
 */

import { httpRequest } from "./http-request.js";

/** The status of one internal call to `url` with `token` as its bearer (null: no Authorization header). */
export async function internalCallStatus(url: string, token: string | null, method = "GET"): Promise<number> {
  const answer = await httpRequest({
    url,
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return answer.status;
}

/** Two tokens of the right length, and one that is neither. */
export const rotationTokens = {
  old: "old-internal-token-0123456789abcdef-0123",
  new: "new-internal-token-0123456789abcdef-4567",
  wrong: "not-a-token-of-this-component-0123456789",
} as const;

/** A started component: the status one internal call gets with a token (null: no Authorization header). */
export interface RotationTarget {
  statusWith(token: string | null): Promise<number>;
  close(): Promise<void>;
}

/** A 2xx answer is "accepted", a 401 "refused"; any other status is kept as it came, to be seen in a failure. */
export type RotationAnswer = "accepted" | "refused" | number;

export interface RotationAnswers {
  during: { old: RotationAnswer; new: RotationAnswer; wrong: RotationAnswer; none: RotationAnswer };
  after: { old: RotationAnswer; new: RotationAnswer };
}

function answerOf(status: number): RotationAnswer {
  if (status >= 200 && status < 300) return "accepted";
  return status === 401 ? "refused" : status;
}

export async function tokenRotationAnswers(
  start: (tokens: { token: string; previousToken?: string }) => Promise<RotationTarget>,
): Promise<RotationAnswers> {
  const during = await start({ token: rotationTokens.new, previousToken: rotationTokens.old });
  const answer = async (target: RotationTarget, token: string | null) => answerOf(await target.statusWith(token));
  let duringAnswers: RotationAnswers["during"];
  try {
    duringAnswers = {
      old: await answer(during, rotationTokens.old),
      new: await answer(during, rotationTokens.new),
      wrong: await answer(during, rotationTokens.wrong),
      none: await answer(during, null),
    };
  } finally {
    await during.close();
  }
  const after = await start({ token: rotationTokens.new });
  try {
    return {
      during: duringAnswers,
      after: { old: await answer(after, rotationTokens.old), new: await answer(after, rotationTokens.new) },
    };
  } finally {
    await after.close();
  }
}

/** What every component must answer: both tokens while rotating, only the new one after, never anyone else. */
export const expectedRotationAnswers: RotationAnswers = {
  during: { old: "accepted", new: "accepted", wrong: "refused", none: "refused" },
  after: { old: "refused", new: "accepted" },
};
