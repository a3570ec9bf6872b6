/** Keeps the tree's listings live with the site's file events (file-events.ts) while the workspace is open. */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { invalidate } from "../../api/queries";
import { parentPath } from "../../lib/format";
import { FileEventsFollower, watchedFoldersOf } from "./file-events";

/**
 * Follows the file events of the folders in `expanded` that the tree shows. A change reads that folder's listing
 * again; a folder that is gone is read again from its parent and told to `onGone` (the tree closes it).
 */
export function useFileEvents(
  siteName: string,
  expanded: readonly string[],
  onGone: (folder: string) => void,
): { isLive: boolean; reconnect: () => void } {
  const queryClient = useQueryClient();
  const [isLive, setIsLive] = useState(false);
  const onGoneRef = useRef(onGone);
  onGoneRef.current = onGone;
  const [follower, setFollower] = useState<FileEventsFollower | null>(null);

  useEffect(() => {
    const created = new FileEventsFollower((url) => new EventSource(url), siteName, {
      // Whatever changed in a folder before it was watched (or while the connection was down) is read again.
      onReady: (unwatchedBefore) => {
        for (const folder of unwatchedBefore) void invalidate.siteFolder(queryClient, siteName, folder);
      },
      onChange: (folder) => void invalidate.siteFolder(queryClient, siteName, folder),
      onGone: (folder) => {
        void invalidate.siteFolder(queryClient, siteName, parentPath(folder));
        onGoneRef.current(folder);
      },
      onLiveChange: setIsLive,
    });
    setFollower(created);
    return () => created.stop();
  }, [queryClient, siteName]);

  const watched = useMemo(() => watchedFoldersOf(expanded), [expanded]);
  const key = watched.join("\n");
  useEffect(() => {
    follower?.watch(key.split("\n"));
  }, [follower, key]);

  return { isLive, reconnect: () => follower?.reconnect() };
}
