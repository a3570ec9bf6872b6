import { Link } from "../router";

/** Where one end of a pager goes: an address (the page is in the URL) or a change of state. */
export type PagerTarget = { to: string } | { onClick: () => void };

/**
 * The links between pages of a list: the way back on the left, the way on at the right, each only when there is
 * such a page. `labels` name them as the list reads ("← Newer", "Older →" for logs).
 */
export function Pager(props: {
  previous: PagerTarget | null;
  next: PagerTarget | null;
  labels?: readonly [previous: string, next: string];
}) {
  const [previousLabel, nextLabel] = props.labels ?? ["← Previous", "Next →"];
  return (
    <nav className="pager" aria-label="Pages">
      {props.previous ? <PagerEnd target={props.previous} label={previousLabel} /> : <span />}
      {props.next ? <PagerEnd target={props.next} label={nextLabel} /> : null}
    </nav>
  );
}

function PagerEnd({ target, label }: { target: PagerTarget; label: string }) {
  if ("to" in target) return <Link to={target.to}>{label}</Link>;
  return (
    <button type="button" className="link-button" onClick={target.onClick}>
      {label}
    </button>
  );
}
