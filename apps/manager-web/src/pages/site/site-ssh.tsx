import { useQuery } from "@tanstack/react-query";
import { CopyCommand } from "../../components/copy-command";
import { useApiQueries } from "../../hooks";
import { sshCommand } from "../../lib/ssh-command";

/** The site's SSH command, as a row of the site's facts; nothing while the shell server has not started. */
export function SiteSshFact({ site, username }: { site: string; username: string }) {
  const info = useQuery(useApiQueries().sshInfo()).data;
  if (!info?.isAvailable) return null;
  return (
    <>
      <dt>SSH</dt>
      <dd>
        <CopyCommand label={`SSH command for ${site}`} command={sshCommand(info, username, site)} />
      </dd>
    </>
  );
}
