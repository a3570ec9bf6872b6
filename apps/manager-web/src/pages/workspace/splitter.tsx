/**
 * A handle between two panes that resizes one of them: dragged with a pointer, or moved with the arrow keys (the
 * WAI-ARIA window splitter pattern, https://www.w3.org/WAI/ARIA/apg/patterns/windowsplitter/).
 */
import { type KeyboardEvent, type PointerEvent, useRef } from "react";

export function Splitter(props: {
  label: string;
  /** "vertical": a bar between side-by-side panes (resizes a width); "horizontal": between stacked panes */
  orientation: "vertical" | "horizontal";
  valuePx: number;
  bounds: { min: number; max: number };
  /** +1 when moving right or down makes the pane larger, -1 when smaller (a pane below the handle) */
  direction: 1 | -1;
  onChange(valuePx: number): void;
}) {
  const drag = useRef<{ startAt: number; startValue: number } | null>(null);
  const clamp = (value: number) => Math.min(props.bounds.max, Math.max(props.bounds.min, Math.round(value)));
  const coordinate = (event: PointerEvent) => (props.orientation === "vertical" ? event.clientX : event.clientY);

  const onKeyDown = (event: KeyboardEvent) => {
    const grow = props.orientation === "vertical" ? "ArrowRight" : "ArrowDown";
    const shrink = props.orientation === "vertical" ? "ArrowLeft" : "ArrowUp";
    const step = event.shiftKey ? 64 : 16;
    let next: number | null = null;
    if (event.key === grow) next = props.valuePx + step * props.direction;
    else if (event.key === shrink) next = props.valuePx - step * props.direction;
    else if (event.key === "Home") next = props.bounds.min;
    else if (event.key === "End") next = props.bounds.max;
    if (next === null) return;
    event.preventDefault();
    props.onChange(clamp(next));
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a window splitter is a focusable separator; <hr> cannot take focus or be dragged
    <div
      role="separator"
      aria-label={props.label}
      aria-orientation={props.orientation}
      aria-valuenow={props.valuePx}
      aria-valuemin={props.bounds.min}
      aria-valuemax={props.bounds.max}
      tabIndex={0}
      className={`splitter splitter-${props.orientation}`}
      onKeyDown={onKeyDown}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        drag.current = { startAt: coordinate(event), startValue: props.valuePx };
      }}
      onPointerMove={(event) => {
        const started = drag.current;
        if (started)
          props.onChange(clamp(started.startValue + (coordinate(event) - started.startAt) * props.direction));
      }}
      onPointerUp={() => {
        drag.current = null;
      }}
      onPointerCancel={() => {
        drag.current = null;
      }}
    />
  );
}
