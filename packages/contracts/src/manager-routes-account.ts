/** The caller's own things: everything of theirs in one download (issue 16, graduation). */
import { managerPaths } from "./manager-paths.js";
import { route } from "./route.js";

/** The caller's own things. */
export const accountRoutes = {
  archive: route({
    ...managerPaths.account.archive,
    caller: "person",
    summary:
      "every site of the caller's as one zip, streamed: <site>/files/… and <site>/database.dump|sql (sites being made or disabled left out; 404 when none)",
    answerKind: "bytes",
  }),
};
