import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { ErrorBanner, Field } from "../../components/ui";
import { useAction, useApi } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { navigate } from "../../router";

/** Makes a course: its name (in every site's name), title, the pattern of its sites' names, their type and start. */
export function NewCoursePage() {
  const api = useApi();
  const action = useAction();
  const images = useQuery({ queryKey: ["images"], queryFn: () => api.images.list() });
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [siteNamePattern, setPattern] = useState("{course}-{username}");
  const [siteType, setSiteType] = useState<"static" | "dynamic">("static");
  const [image, setImage] = useState("");
  const [templateSite, setTemplateSite] = useState("");
  const fields = fieldErrorsOf(action.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const created = await api.courses.create({
        name: name.trim(),
        title: title.trim(),
        siteType,
        siteNamePattern: siteNamePattern.trim(),
        ...(siteType === "dynamic" && image !== "" ? { image } : {}),
        ...(templateSite.trim() === "" ? {} : { templateSite: templateSite.trim() }),
      });
      navigate(pathTo("course", { course: created.name }));
    });
  };

  const example = siteNamePattern.replaceAll("{course}", name || "cs101").replaceAll("{username}", "jdoe");
  return (
    <>
      <h1>New course</h1>
      <form className="card" onSubmit={submit}>
        <ErrorBanner
          error={formLevelError(action.error, ["name", "title", "siteNamePattern", "image", "templateSite"])}
        />
        <Field
          label="Course name"
          error={fields.name}
          hint="2–16 lowercase letters, digits and hyphens, such as cs101."
        >
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              required
              autoCapitalize="none"
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field label="Title" error={fields.title}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              required
              value={title}
              onChange={(event) => setTitle(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field
          label="Site names"
          error={fields.siteNamePattern}
          hint={`{course} and {username} are filled in for each student: ${example}`}
        >
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              required
              autoCapitalize="none"
              value={siteNamePattern}
              onChange={(event) => setPattern(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field label="Site type">
          {({ id }) => (
            <select id={id} value={siteType} onChange={(event) => setSiteType(event.target.value as typeof siteType)}>
              <option value="static">Static (files served as they are)</option>
              <option value="dynamic">Dynamic (a process runs run.sh)</option>
            </select>
          )}
        </Field>
        {siteType === "dynamic" ? (
          <Field label="Image" error={fields.image} hint="What each student's process runs on.">
            {({ id, describedBy }) => (
              <select
                id={id}
                value={image}
                onChange={(event) => setImage(event.target.value)}
                aria-describedby={describedBy}
              >
                <option value="">The default image</option>
                {images.data?.images.map((candidate) => (
                  <option key={candidate.name} value={candidate.name}>
                    {candidate.friendlyName}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field
          label="Template site (optional)"
          error={fields.templateSite}
          hint="A site of yours whose files every student's site starts with."
        >
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              autoCapitalize="none"
              value={templateSite}
              onChange={(event) => setTemplateSite(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={action.isBusy}>
          Make the course
        </button>
      </form>
    </>
  );
}
