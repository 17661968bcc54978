"use client";
// "Verified through seq N" or "Chain broken at seq N: …" (docs/audit.md#audit-log, docs/dashboard.md#dashboard). Verifying reads
// and hashes the whole chain, so it runs behind /api/audit/chain after the page is up,
// once per visit (filtering and paging keep this component mounted) or when asked again.
import { useCallback, useEffect, useRef, useState } from "react";
import { formatCount } from "@/app/dashboard/audit/format";
import { cx } from "@/components/cx";
import { Spinner } from "@/components/spinner";

type Checkpoint = { at: string; coversSeq: number; signatureOk: boolean };
type Status = {
  ok: boolean;
  verifiedThrough: number;
  firstBadSeq?: number;
  problem?: string;
  checkedAt: string;
  tookMs: number;
  checkpoint: Checkpoint | null;
};

/** The signed checkpoint line: when it was signed, how far it covers this chain, whether its signature holds. */
function CheckpointNote({ checkpoint }: { checkpoint: Checkpoint | null }) {
  if (!checkpoint)
    return (
      <span className="text-xs text-ink-subtle" data-testid="chain-checkpoint">
        · no signed checkpoint yet
      </span>
    );
  const when = new Date(checkpoint.at);
  return (
    <span
      className={cx("text-xs", checkpoint.signatureOk ? "text-ink-subtle" : "font-medium text-red-800")}
      data-testid="chain-checkpoint"
      title={checkpoint.at}
    >
      · signed checkpoint {when.toLocaleString()}, covers seq {formatCount(checkpoint.coversSeq)},{" "}
      {checkpoint.signatureOk ? "signature ok" : "signature does not verify"}
    </span>
  );
}
type State = { phase: "checking" } | { phase: "done"; status: Status } | { phase: "failed" };

function took(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `bare`: no box of its own, for a row inside another card. */
export function ChainStatus({ bare, className }: { bare?: boolean; className?: string }) {
  const [state, setState] = useState<State>({ phase: "checking" });
  const [rechecking, setRechecking] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const check = useCallback(async (fresh: boolean) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    try {
      const res = await fetch(`/api/audit/chain${fresh ? "?fresh=1" : ""}`, {
        signal: controller.signal,
        cache: "no-store",
      });
      if (!res.ok) throw new Error(String(res.status));
      setState({ phase: "done", status: (await res.json()) as Status });
    } catch (e) {
      if ((e as Error).name !== "AbortError") setState({ phase: "failed" });
    } finally {
      if (abort.current === controller) setRechecking(false);
    }
  }, []);

  useEffect(() => {
    void check(false);
    return () => abort.current?.abort();
  }, [check]);

  const again = () => {
    setRechecking(true);
    void check(true);
  };

  const broken = state.phase === "done" && !state.status.ok;
  return (
    <div
      role="status"
      data-testid="chain-status"
      className={cx(
        "flex flex-wrap items-center gap-x-3 gap-y-1 text-sm",
        bare ? (broken ? "text-red-900" : "text-ink-muted") : "rounded-lg border px-3 py-2",
        !bare && (broken ? "border-red-200 bg-red-50 text-red-900" : "border-line bg-surface text-ink-muted"),
        className,
      )}
    >
      {state.phase === "checking" ? (
        <span className="inline-flex items-center gap-2">
          <Spinner className="text-ink-subtle" />
          Verifying the hash chain…
        </span>
      ) : state.phase === "failed" ? (
        <span className="inline-flex items-center gap-2 text-amber-900">
          <svg viewBox="0 0 20 20" fill="currentColor" className="size-4 text-amber-600" aria-hidden="true">
            <path
              fillRule="evenodd"
              d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
              clipRule="evenodd"
            />
          </svg>
          Could not verify the chain just now.
        </span>
      ) : state.status.ok ? (
        <span className="inline-flex items-center gap-2">
          <svg viewBox="0 0 20 20" fill="currentColor" className="size-4 shrink-0 text-emerald-600" aria-hidden="true">
            <path
              fillRule="evenodd"
              d="M16.403 12.652a3 3 0 0 0 0-5.304 3 3 0 0 0-3.75-3.751 3 3 0 0 0-5.305 0 3 3 0 0 0-3.751 3.75 3 3 0 0 0 0 5.305 3 3 0 0 0 3.75 3.751 3 3 0 0 0 5.305 0 3 3 0 0 0 3.751-3.75Zm-2.546-4.46a.75.75 0 0 0-1.214-.883l-3.483 4.79-1.88-1.88a.75.75 0 1 0-1.06 1.061l2.5 2.5a.75.75 0 0 0 1.137-.089l4-5.5Z"
              clipRule="evenodd"
            />
          </svg>
          {state.status.verifiedThrough === 0 ? (
            <span className="text-ink">Nothing to verify yet</span>
          ) : (
            <span className="text-ink">
              <span className="font-medium">Verified</span> through seq {formatCount(state.status.verifiedThrough)}
            </span>
          )}
          <span className="text-xs text-ink-subtle" title={`Checked ${state.status.checkedAt}`}>
            · {took(state.status.tookMs)}
          </span>
          <CheckpointNote checkpoint={state.status.checkpoint} />
        </span>
      ) : (
        <span className="inline-flex items-start gap-2">
          <svg
            viewBox="0 0 20 20"
            fill="currentColor"
            className="mt-0.5 size-4 shrink-0 text-red-600"
            aria-hidden="true"
          >
            <path
              fillRule="evenodd"
              d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 5Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
              clipRule="evenodd"
            />
          </svg>
          <span>
            <span className="font-semibold">
              Chain broken at seq {formatCount(state.status.firstBadSeq ?? state.status.verifiedThrough + 1)}
            </span>
            {state.status.problem ? `: ${state.status.problem}` : ""}.{" "}
            {state.status.verifiedThrough > 0
              ? `Events up to seq ${formatCount(state.status.verifiedThrough)} verify.`
              : ""}{" "}
            <CheckpointNote checkpoint={state.status.checkpoint} />
          </span>
        </span>
      )}
      {state.phase !== "checking" ? (
        <button
          type="button"
          onClick={again}
          disabled={rechecking}
          className={cx(
            "ml-auto rounded text-xs font-medium hover:underline disabled:opacity-60",
            broken ? "text-red-800" : "text-accent-700",
          )}
        >
          {rechecking ? "Verifying…" : "Verify again"}
        </button>
      ) : null}
    </div>
  );
}
