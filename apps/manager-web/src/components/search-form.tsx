import { type FormEvent, useEffect, useId, useState } from "react";

/**
 * A list's search box: the words typed stay a draft until submitted (`onSearch`, trimmed). `value` is the search in
 * force (the page's address, say); the box shows it again whenever it changes from outside. Also a lookup by number
 * (`isNumeric`, with its own button text).
 */
export function SearchForm(props: {
  /** what a screen reader announces, e.g. "Search sites" */
  label: string;
  placeholder: string;
  value: string;
  onSearch: (text: string) => void;
  /** the button's text; "Search" unless given */
  submitLabel?: string;
  /** a number is looked up: phones show their digit keyboard */
  isNumeric?: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSearch(draft.trim());
  };
  return (
    <search>
      <form className="search" onSubmit={submit}>
        <label htmlFor={id} className="visually-hidden">
          {props.label}
        </label>
        <input
          id={id}
          type="search"
          inputMode={props.isNumeric ? "numeric" : undefined}
          placeholder={props.placeholder}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button">
          {props.submitLabel ?? "Search"}
        </button>
      </form>
    </search>
  );
}
