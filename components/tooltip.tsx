"use client";
// A short explanation attached to a small trigger (a badge, an icon). The text is always
// in the document as the trigger's accessible description (aria-describedby), so screen
// readers get it without hovering; sighted users see it on hover and on keyboard focus.
// The bubble is drawn position:fixed in a portal, so a scrolling table or a card's
// overflow never clips it. Escape hides it (WCAG 1.4.13), and moving the pointer onto the
// bubble keeps it open.
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type FocusEvent,
  type MouseEvent,
  type ReactNode,
} from "react";
import { createPortal } from "react-dom";

export type TooltipTriggerProps = {
  "aria-describedby": string;
  onMouseEnter: (e: MouseEvent<HTMLElement>) => void;
  onMouseLeave: () => void;
  onFocus: (e: FocusEvent<HTMLElement>) => void;
  onBlur: () => void;
};

type Place = { left: number; top: number; below: boolean; align: "center" | "start" | "end" };

const GAP = 6;
const MAX_WIDTH = 320;

export function Tooltip({
  content,
  children,
}: {
  content: ReactNode;
  children: (trigger: TooltipTriggerProps) => ReactNode;
}) {
  const id = useId();
  const [place, setPlace] = useState<Place | null>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const show = useCallback((el: HTMLElement) => {
    clearTimeout(hideTimer.current);
    const r = el.getBoundingClientRect();
    const center = r.left + r.width / 2;
    // centred on the trigger; near an edge, flush with the trigger's side instead
    const align =
      center - MAX_WIDTH / 2 < 8 ? "start" : center + MAX_WIDTH / 2 > window.innerWidth - 8 ? "end" : "center";
    const left =
      align === "start"
        ? Math.max(8, r.left)
        : align === "end"
          ? Math.min(window.innerWidth - 8, r.right) - MAX_WIDTH
          : center - MAX_WIDTH / 2;
    // above the trigger when there is room, otherwise below
    const below = r.top < 96;
    setPlace({ left, top: below ? r.bottom + GAP : r.top - GAP, below, align });
  }, []);
  const hide = useCallback(() => {
    clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => setPlace(null), 80);
  }, []);

  useEffect(() => {
    if (!place) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setPlace(null);
    };
    // a scroll moves the trigger away from a fixed bubble: hide rather than float loose
    const onScroll = () => setPlace(null);
    window.addEventListener("keydown", onKey);
    window.addEventListener("scroll", onScroll, true);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("scroll", onScroll, true);
    };
  }, [place]);
  useEffect(() => () => clearTimeout(hideTimer.current), []);

  return (
    <>
      {children({
        "aria-describedby": id,
        onMouseEnter: (e) => show(e.currentTarget),
        onMouseLeave: hide,
        onFocus: (e) => show(e.currentTarget),
        onBlur: hide,
      })}
      <span id={id} className="sr-only">
        {content}
      </span>
      {place
        ? createPortal(
            <div
              aria-hidden="true"
              onMouseEnter={() => clearTimeout(hideTimer.current)}
              onMouseLeave={hide}
              style={{ left: place.left, top: place.top, width: MAX_WIDTH, maxWidth: "calc(100vw - 16px)" }}
              className={`pointer-events-none fixed z-50 flex ${place.below ? "" : "-translate-y-full"} ${
                place.align === "start" ? "justify-start" : place.align === "end" ? "justify-end" : "justify-center"
              }`}
            >
              <div className="pointer-events-auto max-w-full rounded-lg bg-zinc-900 px-2.5 py-1.5 text-xs leading-5 text-white shadow-lg">
                {content}
              </div>
            </div>,
            document.body,
          )
        : null}
    </>
  );
}
