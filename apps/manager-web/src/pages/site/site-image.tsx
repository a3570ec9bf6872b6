import { type FormEvent, useEffect, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { ImageView, OperationView, SiteView } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { useApi, useAsync } from "../../hooks";

/** The image a site runs on when it has chosen none (the orchestrator's busybox base image). */
const defaultImageName = "busybox";

/** "jq, curl  git" → ["jq", "curl", "git"]: the API checks each name and says which one is wrong. */
export function parsePackageText(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * A dynamic site's image: pick one of the published images, add packages when the image can install them, and
 * optionally replace run.sh with the image's template. Applying queues an operation (build, write run.sh, restart)
 * whose progress the page shows; a failed build keeps the site on its previous image, with the build output.
 */
export function SiteImage(props: {
  site: SiteView;
  canEdit: boolean;
  onOperation: (operation: OperationView) => void;
}) {
  const { site } = props;
  const api = useApi();
  const [images] = useAsync(() => api.images.list(), []);
  const [chosen, setChosen] = useState(site.image ?? defaultImageName);
  const [packages, setPackages] = useState(site.packages.join(" "));
  const [writeRunScript, setWriteRunScript] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  useEffect(() => {
    setChosen(site.image ?? defaultImageName);
    setPackages(site.packages.join(" "));
  }, [site.image, site.packages]);
  const fields = fieldErrorsOf(error);
  const list = images.value?.images ?? [];
  const image: ImageView | undefined = list.find((candidate) => candidate.name === chosen);
  const hasTemplate = (image?.runShTemplate.trim() ?? "") !== "";

  const apply = async (event: FormEvent) => {
    event.preventDefault();
    if (writeRunScript && !window.confirm("Replace this site's run.sh with the image's template?")) return;
    setError(null);
    setIsBusy(true);
    try {
      const { operation } = await api.sites.changeImage(site.name, {
        image: chosen,
        packages: image?.acceptsPackages ? parsePackageText(packages) : [],
        writeRunScript: writeRunScript && hasTemplate,
      });
      setWriteRunScript(false);
      props.onOperation(operation);
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="site-image">
      <h2 id="site-image">Image</h2>
      <p className="muted small">
        Runs on <strong>{site.image ?? defaultImageName}</strong>
        {site.packages.length > 0 ? ` with ${site.packages.join(", ")}` : ""}.
      </p>
      <ErrorBanner error={images.error} />
      {props.canEdit && list.length > 0 ? (
        <form onSubmit={apply}>
          <ErrorBanner error={formLevelError(error, ["image", "packages", "writeRunScript"])} />
          <fieldset className="field">
            <legend>Choose an image</legend>
            {list.map((candidate) => (
              <label key={candidate.name} className="radio image-choice">
                <input
                  type="radio"
                  name="image"
                  value={candidate.name}
                  checked={chosen === candidate.name}
                  onChange={() => setChosen(candidate.name)}
                />{" "}
                <span>
                  <strong>{candidate.friendlyName}</strong>
                  {candidate.runShTemplate.trim() !== "" ? <span className="badge">run.sh template</span> : null}
                  {candidate.description ? <span className="muted small"> — {candidate.description}</span> : null}
                </span>
              </label>
            ))}
          </fieldset>
          {image?.acceptsPackages ? (
            <Field label="Extra packages" hint="Package names, separated by spaces." error={fields.packages}>
              {({ id, describedBy, isInvalid }) => (
                <input
                  id={id}
                  value={packages}
                  autoCapitalize="none"
                  spellCheck={false}
                  onChange={(event) => setPackages(event.target.value)}
                  aria-describedby={describedBy}
                  aria-invalid={isInvalid}
                />
              )}
            </Field>
          ) : (
            <p className="muted small">This image cannot install extra packages.</p>
          )}
          {hasTemplate && image ? (
            <>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={writeRunScript}
                  onChange={(event) => setWriteRunScript(event.target.checked)}
                />{" "}
                Replace run.sh with this image's template
              </label>
              <details>
                <summary>The template</summary>
                <pre className="code">{image.runShTemplate}</pre>
              </details>
            </>
          ) : null}
          {fields.writeRunScript ? <p className="field-error">{fields.writeRunScript}</p> : null}
          <button type="submit" className="button" disabled={isBusy || !site.isReady}>
            Apply image
          </button>
        </form>
      ) : null}
    </section>
  );
}
