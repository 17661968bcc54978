// The production build the bench measures, in its own dist directory (.next-bench by
// default) so it never disturbs anyone's `next dev` or `.next`. A build older than any
// source file is rebuilt: measuring yesterday's proxy by accident would be worse than slow.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Processes } from "@/bench/processes";

/** What the build is made from (tests and docs do not count). */
const SOURCES = [
  "app",
  "lib",
  "db",
  "components",
  "public",
  "instrumentation.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "package.json",
  "package-lock.json",
];

function newestSource(root: string): { file: string; mtime: number } {
  let newest = { file: "", mtime: 0 };
  const visit = (file: string) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(file)) visit(path.join(file, name));
      return;
    }
    if (/\.test\.tsx?$|\.md$/.test(file)) return;
    if (stat.mtimeMs > newest.mtime) newest = { file, mtime: stat.mtimeMs };
  };
  for (const source of SOURCES) visit(path.join(root, source));
  return newest;
}

export type BuildState = { built: boolean; reason: string };

export function buildReason(root: string, distDir: string): string | null {
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (!existsSync(buildId)) return `no build in ${distDir}`;
  const newest = newestSource(root);
  if (newest.mtime > statSync(buildId).mtimeMs)
    return `${path.relative(root, newest.file)} is newer than the build in ${distDir}`;
  return null;
}

/**
 * `next build` rewrites tsconfig.json (it adds its dist dir's type folders) and
 * next-env.d.ts. Put them back when that is all that changed, so a bench run leaves the
 * work tree as it found it; anything else changed meanwhile (someone editing) is left alone.
 */
function snapshot(file: string): () => void {
  const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  return () => {
    if (before === undefined || !existsSync(file)) return;
    const after = readFileSync(file, "utf8");
    if (after === before) return;
    if (file.endsWith(".json")) {
      try {
        const a = JSON.parse(after) as { include?: string[] };
        const b = JSON.parse(before) as { include?: string[] };
        const added = (a.include ?? []).filter((p) => !(b.include ?? []).includes(p));
        const same =
          JSON.stringify({ ...a, include: (a.include ?? []).filter((p) => !added.includes(p)) }) === JSON.stringify(b);
        if (!same) return;
      } catch {
        return;
      }
    }
    writeFileSync(file, before);
  };
}

export async function ensureBuild(options: {
  root: string;
  distDir: string;
  mode: "auto" | "always" | "never";
  processes: Processes;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<BuildState> {
  const { root, distDir } = options;
  const reason = options.mode === "always" ? "--build given" : buildReason(root, distDir);
  if (!reason) return { built: false, reason: `${distDir} is up to date` };
  if (options.mode === "never") {
    if (!existsSync(path.join(root, distDir, "BUILD_ID")))
      throw new Error(`--no-build: there is no production build in ${distDir}`);
    return { built: false, reason: `--no-build (${reason})` };
  }
  options.log(`building into ${distDir} (${reason}); this takes a few minutes…`);
  const restore = [snapshot(path.join(root, "tsconfig.json")), snapshot(path.join(root, "next-env.d.ts"))];
  try {
    await options.processes.run(
      "next-build",
      process.execPath,
      [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
      {
        cwd: root,
        env: options.env,
        timeoutMs: 15 * 60_000,
      },
    );
  } finally {
    for (const r of restore) r();
  }
  return { built: true, reason };
}
