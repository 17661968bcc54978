"use client";
// The create form (docs/dashboard.md#dashboard): the agent's name, the grant grid, the limits (max TTL,
// expiry, rate limit, quota) and the scopes that need the person's approval. Controlled,
// and submitted by calling the server action directly rather than through <form action>:
// React resets a form after an action, which would wipe the grid on a validation error.
// On success the parent swaps this form for the one-time token panel.
//
// The OAuth consent page (app/oauth/authorize) uses the same form with `consent`: the
// agent's name is the client's, and submitting grants the client instead of creating a
// token to copy — the same grid, limits and approval choices either way.
import { useEffect, useRef, useState, useTransition, type FormEvent, type ReactNode } from "react";
import { createServiceTokenAction } from "@/app/dashboard/tokens/actions";
import {
  EXPIRY_CHOICES,
  MAX_TTL_MAX,
  MAX_TTL_MIN,
  type CreateTokenField,
  type CreateTokenPayload,
  type ExpiryChoice,
} from "@/app/dashboard/tokens/create-input";
import type { CreatedToken } from "@/app/dashboard/tokens/create-result";
import { ScopeGrid } from "@/app/dashboard/tokens/scope-grid";
import type { ProviderOption } from "@/app/dashboard/tokens/token-rows";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { Card, CardHeader } from "@/components/card";
import { cx } from "@/components/cx";
import { FieldShell as Field, FormField } from "@/components/form-field";
import { Input } from "@/components/input";
import { Select } from "@/components/select";
import { Spinner } from "@/components/spinner";
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from "@/lib/scopes";

const EXPIRY_LABELS: Record<ExpiryChoice, string> = {
  none: "Never",
  "1": "In 1 day",
  "7": "In 7 days",
  "30": "In 30 days",
  "90": "In 90 days",
  date: "On a date…",
};

function duration(secondsText: string): string | null {
  const s = Number(secondsText);
  if (!Number.isInteger(s) || s < MAX_TTL_MIN || s > MAX_TTL_MAX) return null;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m === 0) return `${s} seconds`;
  return rest ? `${m} min ${rest} s` : `${m} minute${m === 1 ? "" : "s"}`;
}

/** How the consent page changes the form: its words, a fixed agent name, its own submit. */
export type ConsentMode = {
  agentName: string;
  title: ReactNode;
  description: ReactNode;
  submitLabel: string;
  pendingLabel: string;
  cancelLabel: string;
  footnote: string;
  submit: (
    payload: CreateTokenPayload,
  ) => Promise<
    | { ok: true }
    | { ok: false; error?: string; fieldErrors?: Partial<Record<CreateTokenField, string>>; stepUp?: string }
  >;
};

export function CreateTokenForm({
  providers,
  onCreated,
  onCancel,
  consent,
}: {
  providers: ProviderOption[];
  onCreated?: (created: CreatedToken) => void;
  onCancel: () => void;
  consent?: ConsentMode;
}) {
  const [name, setName] = useState(consent?.agentName ?? "");
  const [rows, setRows] = useState<string[]>(() => providers.filter((p) => p.connection !== null).map((p) => p.id));
  const [grants, setGrants] = useState<Record<string, Scope[]>>({});
  const [maxTtl, setMaxTtl] = useState("900");
  const [expiry, setExpiry] = useState<ExpiryChoice>("none");
  const [expiryDate, setExpiryDate] = useState("");
  const [minDate, setMinDate] = useState<string>();
  const [rateLimit, setRateLimit] = useState("");
  const [quota, setQuota] = useState("");
  const [quotaPeriod, setQuotaPeriod] = useState<"day" | "month">("day");
  const [approvalScopes, setApprovalScopes] = useState<Scope[]>([]);
  const [holdScopes, setHoldScopes] = useState<Scope[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<CreateTokenField, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [stepUp, setStepUp] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [pending, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!consent) nameRef.current?.focus();
    // tomorrow in the person's own calendar; computed here, not during render, so the
    // server's clock and time zone never meet the browser's
    const d = new Date();
    d.setDate(d.getDate() + 1);
    setMinDate(
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`,
    );
  }, []);

  useEffect(() => {
    if (attempt === 0 || !form.current) return;
    (
      form.current.querySelector<HTMLElement>(
        "[aria-invalid='true'], [data-field-error] input, [data-field-error] select",
      ) ?? form.current.querySelector<HTMLElement>("[data-form-error]")
    )?.focus();
  }, [attempt]);

  // an error stays until its field is edited, then it is the person's turn again
  const clear = (field: CreateTokenField) =>
    setFieldErrors((errors) => (errors[field] ? { ...errors, [field]: undefined } : errors));

  const toggle = (provider: string, scope: Scope, on: boolean) => {
    setGrants((g) => {
      const current = g[provider] ?? [];
      return {
        ...g,
        [provider]: on ? [...current.filter((s) => s !== scope), scope] : current.filter((s) => s !== scope),
      };
    });
    clear("grants");
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    const payload: CreateTokenPayload = {
      name,
      grants: Object.fromEntries(rows.map((id) => [id, grants[id] ?? []])),
      maxTtl,
      expiry,
      // the end of the chosen day where the person is
      expiresAt: expiry === "date" && expiryDate ? new Date(`${expiryDate}T23:59:59`).toISOString() : undefined,
      rateLimit,
      quota,
      quotaPeriod,
      approvalScopes,
      holdScopes,
    };
    setFormError(undefined);
    startTransition(async () => {
      try {
        const result = consent ? await consent.submit(payload) : await createServiceTokenAction(payload);
        if (result.ok) {
          if ("created" in result) onCreated?.(result.created as CreatedToken);
          return;
        }
        setFieldErrors(result.fieldErrors ?? {});
        setFormError(result.error);
        setStepUp(result.stepUp);
      } catch {
        setFieldErrors({});
        setFormError("okoro could not create the token just now. Nothing was created; please try again in a moment.");
      }
      setAttempt((n) => n + 1);
    });
  };

  const ttlWords = duration(maxTtl);
  const grantsAll = Object.entries(grants).some(([id, s]) => rows.includes(id) && s.includes("all"));

  return (
    <Card aria-labelledby="create-token-heading">
      <CardHeader
        title={<span id="create-token-heading">{consent ? consent.title : "New service token"}</span>}
        description={
          consent
            ? consent.description
            : "One token per agent. It can only ask for what you tick here, and you can revoke it at any time."
        }
      />
      <form ref={form} onSubmit={submit} noValidate className="divide-y divide-line">
        {formError ? (
          <div className="px-5 pt-4" tabIndex={-1} data-form-error>
            <Alert tone="error">
              {formError}
              {stepUp ? (
                <>
                  {" "}
                  <a href={stepUp} className="font-medium underline">
                    Confirm it&apos;s you
                  </a>
                </>
              ) : null}
            </Alert>
          </div>
        ) : null}

        <div className={cx("px-5 py-4", consent && "hidden")}>
          <div className="max-w-sm">
            <FormField
              ref={nameRef}
              label="Agent name"
              name="name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                clear("name");
              }}
              placeholder="research-agent"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={64}
              required
              hint="Shown in the audit log and on approval requests."
              error={fieldErrors.name}
            />
          </div>
        </div>

        <div className="px-5 py-4" data-field-error={fieldErrors.grants ? "" : undefined}>
          <ScopeGrid
            providers={providers}
            rows={rows}
            grants={grants}
            onToggle={toggle}
            onAddRow={(id) => {
              setRows((r) => (r.includes(id) ? r : [...r, id]));
              clear("grants");
            }}
            onRemoveRow={(id) => {
              setRows((r) => r.filter((x) => x !== id));
              setGrants(({ [id]: _removed, ...rest }) => rest);
            }}
            error={fieldErrors.grants}
          />
        </div>

        <div className="space-y-4 px-5 py-4">
          <h3 className="text-sm font-medium text-ink">Limits</h3>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField
              label="Longest operation-token lifetime"
              name="max_ttl"
              type="number"
              inputMode="numeric"
              min={MAX_TTL_MIN}
              max={MAX_TTL_MAX}
              step={1}
              value={maxTtl}
              onChange={(e) => {
                setMaxTtl(e.target.value);
                clear("maxTtl");
              }}
              hint={`Seconds, ${MAX_TTL_MIN}–${MAX_TTL_MAX}${ttlWords ? ` (${ttlWords})` : ""}. Tokens with scope all live 60 s at most whatever this says.`}
              error={fieldErrors.maxTtl}
            />
            <Field
              label="Service token expires"
              hint="After this the agent's exchanges get 401."
              error={fieldErrors.expiry}
            >
              {({ id, describedBy }) => (
                <div className="flex flex-col gap-2 sm:flex-row">
                  <Select
                    id={id}
                    aria-describedby={describedBy}
                    invalid={Boolean(fieldErrors.expiry) && expiry !== "date"}
                    value={expiry}
                    onChange={(e) => {
                      setExpiry(e.target.value as ExpiryChoice);
                      clear("expiry");
                    }}
                    className="sm:w-40"
                  >
                    {EXPIRY_CHOICES.map((c) => (
                      <option key={c} value={c}>
                        {EXPIRY_LABELS[c]}
                      </option>
                    ))}
                  </Select>
                  {expiry === "date" ? (
                    <Input
                      type="date"
                      aria-label="Expiry date"
                      aria-describedby={describedBy}
                      invalid={Boolean(fieldErrors.expiry)}
                      min={minDate}
                      value={expiryDate}
                      onChange={(e) => {
                        setExpiryDate(e.target.value);
                        clear("expiry");
                      }}
                      className="sm:flex-1"
                    />
                  ) : null}
                </div>
              )}
            </Field>
            <FormField
              label="Rate limit"
              labelNote="optional"
              name="rate_limit"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              placeholder="No limit"
              value={rateLimit}
              onChange={(e) => {
                setRateLimit(e.target.value);
                clear("rateLimit");
              }}
              hint="Proxied requests per minute; beyond it the agent gets 429."
              error={fieldErrors.rateLimit}
            />
            <Field
              label="Quota"
              labelNote="optional"
              hint="Proxied requests per calendar day or month (UTC), across all providers."
              error={fieldErrors.quota}
            >
              {({ id, describedBy }) => (
                <div className="flex gap-2">
                  <Input
                    id={id}
                    aria-describedby={describedBy}
                    invalid={Boolean(fieldErrors.quota)}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    step={1}
                    placeholder="No quota"
                    value={quota}
                    onChange={(e) => {
                      setQuota(e.target.value);
                      clear("quota");
                    }}
                    className="min-w-0 flex-1"
                  />
                  <Select
                    aria-label="Quota period"
                    value={quotaPeriod}
                    onChange={(e) => setQuotaPeriod(e.target.value as "day" | "month")}
                    className="w-36 shrink-0"
                  >
                    <option value="day">per day</option>
                    <option value="month">per month</option>
                  </Select>
                </div>
              )}
            </Field>
          </div>
        </div>

        <div className="px-5 py-4">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-ink">
              Ask me first <span className="ml-1 font-normal text-ink-subtle">optional</span>
            </legend>
            <p className="text-sm text-ink-muted">
              Scopes for which okoro waits for your approval on the Approvals page every time the agent asks.
            </p>
            <div className="flex flex-wrap gap-2">
              {SCOPES.map((scope) => {
                const on = approvalScopes.includes(scope);
                return (
                  <label
                    key={scope}
                    title={SCOPE_DESCRIPTIONS[scope]}
                    className={cx(
                      "inline-flex h-9 cursor-pointer items-center gap-2 rounded-lg border px-3 text-sm transition-colors",
                      on
                        ? "border-accent-300 bg-accent-50 text-accent-900"
                        : "border-line-strong bg-surface text-ink hover:bg-zinc-50",
                    )}
                  >
                    <input
                      type="checkbox"
                      aria-label={`Ask me before issuing ${scope} tokens`}
                      checked={on}
                      onChange={(e) =>
                        setApprovalScopes((a) => (e.target.checked ? [...a, scope] : a.filter((s) => s !== scope)))
                      }
                      className="size-4 rounded accent-accent-600"
                    />
                    {scope}
                  </label>
                );
              })}
            </div>
            {grantsAll && !approvalScopes.includes("all") ? (
              <p className="text-sm text-amber-800">
                This token may ask for scope all. Consider asking for your approval each time it does.
              </p>
            ) : null}
            {fieldErrors.approvalScopes ? <p className="text-sm text-red-700">{fieldErrors.approvalScopes}</p> : null}
          </fieldset>
        </div>

        <div className="px-5 py-4">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-ink">
              Hold each request for my approval <span className="ml-1 font-normal text-ink-subtle">optional</span>
            </legend>
            <p className="text-sm text-ink-muted">
              For these scopes okoro keeps every request the agent makes and shows it to you exactly as it will be sent;
              it goes out once, only after you approve it.
            </p>
            <div className="flex flex-wrap gap-2">
              {SCOPES.map((scope) => {
                const on = holdScopes.includes(scope);
                return (
                  <label
                    key={scope}
                    title={SCOPE_DESCRIPTIONS[scope]}
                    className={cx(
                      "inline-flex h-9 cursor-pointer items-center gap-2 rounded-lg border px-3 text-sm transition-colors",
                      on
                        ? "border-accent-300 bg-accent-50 text-accent-900"
                        : "border-line-strong bg-surface text-ink hover:bg-zinc-50",
                    )}
                  >
                    <input
                      type="checkbox"
                      aria-label={`Hold each ${scope} request for my approval`}
                      checked={on}
                      onChange={(e) =>
                        setHoldScopes((a) => (e.target.checked ? [...a, scope] : a.filter((s) => s !== scope)))
                      }
                      className="size-4 rounded accent-accent-600"
                    />
                    {scope}
                  </label>
                );
              })}
            </div>
            {fieldErrors.holdScopes ? <p className="text-sm text-red-700">{fieldErrors.holdScopes}</p> : null}
          </fieldset>
        </div>

        <div className="flex flex-col gap-2 bg-zinc-50/60 px-5 py-4 sm:flex-row sm:items-center">
          <Button type="submit" disabled={pending} aria-disabled={pending} className="w-full sm:w-auto">
            {pending ? (
              <>
                <Spinner />
                <span>{consent?.pendingLabel ?? "Creating…"}</span>
              </>
            ) : (
              (consent?.submitLabel ?? "Create token")
            )}
          </Button>
          <Button variant="ghost" onClick={onCancel} disabled={pending} className="w-full sm:w-auto">
            {consent?.cancelLabel ?? "Cancel"}
          </Button>
          <p className="text-xs text-ink-subtle sm:ml-auto">
            {consent?.footnote ?? "You will see the token once, right after it is created."}
          </p>
        </div>
      </form>
    </Card>
  );
}
