import type { OperationView } from "../api/types";
import { Time } from "./ui";

const stepMark: Record<OperationView["status"], string> = {
  pending: "○",
  running: "◐",
  succeeded: "✓",
  failed: "✗",
};

/** An operation's steps as a list: each step's state in words and a mark, its attempts and message. */
export function OperationProgress({ operation }: { operation: OperationView }) {
  const done = operation.steps.filter((step) => step.status === "succeeded").length;
  const title = `${operation.kind.replaceAll("_", " ")} #${operation.id}`;
  return (
    <section className={`operation operation-${operation.status}`} aria-label={`Operation ${title}`}>
      <div className="operation-head">
        <strong>{title}</strong>
        <span className={`badge badge-${operation.status}`}>{operation.status}</span>
        <span className="muted">
          {done} of {operation.steps.length} steps
        </span>
      </div>
      <progress
        max={Math.max(1, operation.steps.length)}
        value={done}
        aria-label={`${done} of ${operation.steps.length} steps done`}
      />
      <ol className="steps" aria-live="polite">
        {operation.steps.map((step) => (
          <li key={step.position} className={`step step-${step.status}`}>
            <span className="step-mark" aria-hidden="true">
              {stepMark[step.status]}
            </span>
            <span className="step-name">{step.name}</span>
            <span className="visually-hidden">: {step.status}</span>
            {step.attempts > 1 ? <span className="muted"> (attempt {step.attempts})</span> : null}
            {step.message ? <pre className="step-message">{step.message}</pre> : null}
          </li>
        ))}
      </ol>
      {operation.error ? (
        <p className="field-error" role="alert">
          {operation.error}
        </p>
      ) : null}
      <p className="muted small">
        Started <Time iso={operation.startedAt ?? operation.createdAt} />
        {operation.finishedAt ? (
          <>
            , ended <Time iso={operation.finishedAt} />
          </>
        ) : null}
      </p>
    </section>
  );
}
