"use client";
// The dashboard's sections. A column on wide screens; on a phone, one row that scrolls
// sideways. The current section is marked for screen readers too (aria-current).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, type ReactNode } from "react";
import { cx } from "@/components/cx";

export type NavItem = { href: string; label: string; icon: ReactNode };

const icon = (d: string, box = 20) => (
  <svg
    viewBox={`0 0 ${box} ${box}`}
    fill="none"
    stroke="currentColor"
    strokeWidth={box === 20 ? 1.6 : 1.9}
    strokeLinecap="round"
    strokeLinejoin="round"
    className="size-[18px] shrink-0"
    aria-hidden="true"
  >
    <path d={d} />
  </svg>
);

export const DASHBOARD_NAV: NavItem[] = [
  { href: "/dashboard", label: "Overview", icon: icon("M3 10.5 10 4l7 6.5M5 9v7h10V9") },
  {
    href: "/dashboard/connections",
    label: "Connections",
    icon: icon(
      "M8.5 11.5a3 3 0 0 0 4.2 0l2.6-2.6a3 3 0 0 0-4.2-4.2l-.9.9M11.5 8.5a3 3 0 0 0-4.2 0l-2.6 2.6a3 3 0 0 0 4.2 4.2l.9-.9",
    ),
  },
  {
    href: "/dashboard/tokens",
    label: "Service tokens",
    icon: icon(
      "M15.75 5.25a3 3 0 0 1 3 3m3 0a6 6 0 0 1-7.03 5.91c-.56-.1-1.16.03-1.56.43l-2.66 2.66H8.25v2.25H6v2.25H2.25v-2.82c0-.6.24-1.17.66-1.59l6.5-6.5c.4-.4.53-1 .43-1.56A6 6 0 1 1 21.75 8.25Z",
      24,
    ),
  },
  { href: "/dashboard/audit", label: "Audit", icon: icon("M6 3.5h6l3 3v10H6zM12 3.5v3h3M8.5 10h4M8.5 13h4") },
  {
    href: "/dashboard/approvals",
    label: "Approvals",
    icon: icon("M10 17a7 7 0 1 0 0-14 7 7 0 0 0 0 14ZM7 10.2l2 2 4-4.4"),
  },
  {
    href: "/dashboard/settings",
    label: "Settings",
    icon: icon(
      "M10 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5ZM16.2 12.2l1.3 1-1.5 2.6-1.6-.6a6 6 0 0 1-1.6.9L12.5 18h-3l-.3-1.7a6 6 0 0 1-1.6-.9l-1.6.6-1.5-2.6 1.3-1a6 6 0 0 1 0-1.9l-1.3-1L6 6.9l1.6.6a6 6 0 0 1 1.6-.9L9.5 5h3l.3 1.6a6 6 0 0 1 1.6.9l1.6-.6 1.5 2.6-1.3 1a6 6 0 0 1 0 1.9Z",
    ),
  },
];

function isActive(pathname: string, href: string): boolean {
  return href === "/dashboard" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
}

export function DashboardNav({ items = DASHBOARD_NAV }: { items?: NavItem[] }) {
  const pathname = usePathname();
  const nav = useRef<HTMLElement>(null);

  // On a phone the row scrolls: bring the current section into view (horizontally only,
  // so the page itself does not jump).
  useEffect(() => {
    const el = nav.current;
    const current = el?.querySelector<HTMLElement>("[aria-current='page']");
    if (!el || !current || el.scrollWidth <= el.clientWidth) return;
    el.scrollLeft = current.offsetLeft - (el.clientWidth - current.offsetWidth) / 2;
  }, [pathname]);

  return (
    // on a phone the row fades out at the right edge: a hint that it scrolls
    <nav
      ref={nav}
      aria-label="Dashboard"
      className="relative -mx-4 overflow-x-auto px-4 [mask-image:linear-gradient(to_right,black_85%,transparent)] [scrollbar-width:none] md:mx-0 md:overflow-visible md:px-0 md:[mask-image:none]"
    >
      <ul className="flex gap-1 pr-8 md:flex-col md:pr-0">
        {items.map((item) => {
          const active = isActive(pathname, item.href);
          return (
            <li key={item.href} className="shrink-0">
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "flex items-center gap-2.5 rounded-lg px-3 py-2 text-sm font-medium transition-colors",
                  active ? "bg-accent-50 text-accent-800" : "text-ink-muted hover:bg-zinc-100 hover:text-ink",
                )}
              >
                <span className={active ? "text-accent-600" : "text-ink-subtle"}>{item.icon}</span>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
