/**
 * The context menu of a tree entry (or of the site directory): the WAI-ARIA menu pattern, opened at the pointer or
 * beside the active row, arrows to move, Enter to choose, Escape or a click elsewhere to close.
 */
import { type KeyboardEvent, useEffect, useRef } from "react";

export interface MenuItem {
  label: string;
  isDanger?: boolean;
  run(): void;
}

export function EntryMenu(props: {
  label: string;
  items: readonly MenuItem[];
  at: { x: number; y: number };
  onClose(): void;
}) {
  const menu = useRef<HTMLDivElement>(null);
  const { onClose } = props;

  useEffect(() => {
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const closeOutside = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", closeOutside, true);
    window.addEventListener("resize", onClose);
    return () => {
      document.removeEventListener("pointerdown", closeOutside, true);
      window.removeEventListener("resize", onClose);
    };
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const moveTo = (next: number) => items[(next + items.length) % items.length]?.focus();
    if (event.key === "ArrowDown") moveTo(index + 1);
    else if (event.key === "ArrowUp") moveTo(index - 1);
    else if (event.key === "Home") moveTo(0);
    else if (event.key === "End") moveTo(items.length - 1);
    else if (event.key === "Escape" || event.key === "Tab") onClose();
    else return;
    event.preventDefault();
  };

  // Kept inside the window: a menu opened near the right or bottom edge opens towards the middle.
  const style = {
    left: Math.max(4, Math.min(props.at.x, window.innerWidth - 220)),
    top: Math.max(4, Math.min(props.at.y, window.innerHeight - 40 * props.items.length - 8)),
  };
  return (
    <div ref={menu} role="menu" aria-label={props.label} className="entry-menu" style={style} onKeyDown={onKeyDown}>
      {props.items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={item.isDanger ? "danger" : undefined}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
