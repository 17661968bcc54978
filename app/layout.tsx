// The root layout: document shell, global styles, metadata shared by every page.
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "okoro — credentials for AI agents, without handing them over", template: "%s · okoro" },
  description:
    "okoro keeps your SaaS credentials and gives each AI agent short-lived, scoped tokens instead. Every call goes through okoro's proxy and lands in a tamper-evident audit log.",
};

export const viewport: Viewport = {
  themeColor: "#f7f7f8",
  width: "device-width",
  initialScale: 1,
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
