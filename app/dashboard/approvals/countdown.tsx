"use client";
// Time left before a request expires, ticking each second. Starts from the server's clock
// (no hydration mismatch) and asks the page to refresh once the time is up, so an
// expired request leaves the "waiting" list by itself. Not a live region: a screen
// reader is not interrupted every second; the text is there when it is read.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

export function Countdown({ expiresAt, serverNow }: { expiresAt: string; serverNow: number }) {
  const router = useRouter();
  const end = new Date(expiresAt).getTime();
  // the server's notion of "now", carried forward by the client's own clock
  const [skew] = useState(() => serverNow - Date.now());
  const [now, setNow] = useState(serverNow);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() + skew), 1000);
    return () => clearInterval(timer);
  }, [skew]);

  const left = end - now;
  const expired = left <= 0;
  useEffect(() => {
    if (expired) router.refresh();
  }, [expired, router]);

  return (
    <time dateTime={expiresAt} className={left < 120_000 ? "font-medium text-amber-700" : undefined}>
      {left > 0 ? `expires in ${clock(left)}` : "expired"}
    </time>
  );
}
