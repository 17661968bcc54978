"use client";
// The three answers to a request — Approve once, Approve and remember, Deny — as one form
// whose submit buttons carry the decision. Approving scope `all` takes a second step that
// spells out what it allows; the confirm button gets the focus so a keyboard user lands
// on it. While the action runs every button is disabled and the pressed one says so.
import { useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { decideApprovalAction } from "@/app/dashboard/approvals/actions";
import { initialDecisionState } from "@/app/dashboard/approvals/decision-state";
import { Alert } from "@/components/alert";
import { Button, type ButtonVariant } from "@/components/button";
import { Spinner } from "@/components/spinner";

type Approve = "approve" | "approve_remember";

function DecisionButton({
  value,
  variant,
  children,
  pendingLabel,
  autoFocus,
}: {
  value: string;
  variant: ButtonVariant;
  children: ReactNode;
  pendingLabel: string;
  autoFocus?: boolean;
}) {
  const { pending, data } = useFormStatus();
  const mine = pending && data?.get("decision") === value;
  return (
    <Button
      type="submit"
      name="decision"
      value={value}
      variant={variant}
      disabled={pending}
      aria-disabled={pending}
      autoFocus={autoFocus}
      className="w-full sm:w-auto"
    >
      {mine ? (
        <>
          <Spinner />
          <span>{pendingLabel}</span>
        </>
      ) : (
        children
      )}
    </Button>
  );
}

export function DecisionForm({
  id,
  isAll,
  canRemember,
  canApprove,
  agent,
  provider,
  returnTo,
}: {
  id: string;
  /** scope all: approving needs a confirmation */
  isAll: boolean;
  /** beyond the grant, so "remember" means something */
  canRemember: boolean;
  /** false when the agent's token is revoked or expired */
  canApprove: boolean;
  agent: string;
  provider: string;
  returnTo: "list" | "detail";
}) {
  const [state, action] = useActionState(decideApprovalAction, initialDecisionState);
  const [confirming, setConfirming] = useState<Approve | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (state.error) errorRef.current?.focus();
  }, [state]);

  const cancel = () => {
    setConfirming(null);
    // back to where the person was, once the buttons are there again
    requestAnimationFrame(() => askRef.current?.focus());
  };

  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="return_to" value={returnTo} />
      {state.error ? (
        <div ref={errorRef} tabIndex={-1} className="rounded-lg">
          <Alert tone="error">{state.error}</Alert>
        </div>
      ) : null}

      {confirming ? (
        <div
          role="group"
          aria-label="Confirm scope all"
          className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-3.5"
        >
          <input type="hidden" name="confirm_all" value="yes" />
          <p className="text-sm text-red-900">
            <span className="font-semibold">
              Scope all lets {agent} do anything on {provider}
            </span>{" "}
            — read, create, change and delete — for up to 60 seconds.
            {confirming === "approve_remember"
              ? ` Remembering it means ${agent} can ask for this again at any time without you.`
              : ""}{" "}
            Every use is flagged in the audit log.
          </p>
          <div className="flex flex-col gap-2 sm:flex-row">
            <DecisionButton value={confirming} variant="danger" pendingLabel="Approving…" autoFocus>
              {confirming === "approve" ? "Yes, approve once" : "Yes, approve and remember"}
            </DecisionButton>
            <Button variant="secondary" onClick={cancel} className="w-full sm:w-auto">
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
          {canApprove ? (
            isAll ? (
              <>
                <Button
                  ref={askRef}
                  variant="primary"
                  onClick={() => setConfirming("approve")}
                  className="w-full sm:w-auto"
                >
                  Approve once…
                </Button>
                {canRemember ? (
                  <Button
                    variant="secondary"
                    onClick={() => setConfirming("approve_remember")}
                    className="w-full sm:w-auto"
                  >
                    Approve and remember…
                  </Button>
                ) : null}
              </>
            ) : (
              <>
                <DecisionButton value="approve" variant="primary" pendingLabel="Approving…">
                  Approve once
                </DecisionButton>
                {canRemember ? (
                  <DecisionButton value="approve_remember" variant="secondary" pendingLabel="Approving…">
                    Approve and remember
                  </DecisionButton>
                ) : null}
              </>
            )
          ) : null}
          <DecisionButton value="deny" variant={canApprove ? "ghost" : "secondary"} pendingLabel="Denying…">
            Deny
          </DecisionButton>
        </div>
      )}
    </form>
  );
}
