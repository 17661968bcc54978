#!/usr/bin/env node
// Run after `npm install` changes the lock: this registry mirror lacks some other-platform
// builds of optional native packages (Tailwind oxide, Next SWC), which npm then leaves out
// of package-lock.json, and `npm ci` refuses the lock. Usage: node scripts/complete-lockfile.mjs
// Adds lock entries for platform-specific optional packages the registry mirror lacks, so
// `npm ci` accepts the lock; on Linux x64 npm skips them without fetching (os/cpu differ).
import { readFileSync, writeFileSync } from "node:fs";
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const platform = (name) => {
  const n = name.split("/").pop();
  const os = ["darwin", "win32", "android", "freebsd", "linux", "wasm32"].find((o) => n.includes(o));
  const cpu = n.includes("wasm32")
    ? "wasm32"
    : n.includes("arm64")
      ? "arm64"
      : n.includes("x64")
        ? "x64"
        : n.includes("arm-") || n.endsWith("-arm")
          ? "arm"
          : n.includes("ia32")
            ? "ia32"
            : undefined;
  return { os: os === "wasm32" ? undefined : os, cpu };
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const nested = `${path}/node_modules/${dep}`;
    if (lock.packages[key] || lock.packages[nested]) continue;
    const { os, cpu } = platform(dep);
    if (!os && !cpu) {
      console.error("cannot place", dep);
      continue;
    }
    if (os === "linux" && cpu === "x64") {
      console.error("refusing to stub a linux-x64 package:", dep);
      continue;
    }
    const base = dep.split("/").pop();
    lock.packages[key] = {
      version,
      resolved: `https://registry.npmjs.org/${dep}/-/${base}-${version}.tgz`,
      optional: true,
      ...(os && { os: [os] }),
      ...(cpu && { cpu: [cpu] }),
    };
    added++;
    console.log("added", dep, version, os, cpu);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log("added", added);
