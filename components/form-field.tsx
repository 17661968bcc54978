// A labelled form field with an optional hint and an inline error, wired for screen
// readers: the input is described by its hint and error, and marked invalid.
import { useId, type ComponentProps, type ReactNode } from "react";
import { Input } from "@/components/input";

type FormFieldProps = Omit<ComponentProps<"input">, "id"> & {
  label: string;
  /** shown after the label, e.g. "optional" */
  labelNote?: string;
  hint?: ReactNode;
  error?: string;
  /** right-aligned next to the label, e.g. a "Forgot?" link */
  aside?: ReactNode;
};

/** What a field's control needs to be wired to its label, hint and error. */
export type FieldIds = { id: string; describedBy?: string; invalid: boolean };

/**
 * A label, any control, a hint and an inline error, wired together: `children` renders
 * the control with the ids it must carry (FormField below does it for a text input).
 */
export function FieldShell({
  label,
  labelNote,
  hint,
  error,
  aside,
  children,
}: Pick<FormFieldProps, "label" | "labelNote" | "hint" | "error" | "aside"> & {
  children: (ids: FieldIds) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-ink">
          {label}
          {labelNote ? <span className="ml-1.5 font-normal text-ink-subtle">{labelNote}</span> : null}
        </label>
        {aside}
      </div>
      {children({ id, describedBy: [errorId, hintId].filter(Boolean).join(" ") || undefined, invalid: Boolean(error) })}
      {error ? (
        <p id={errorId} className="flex items-start gap-1.5 text-sm text-red-700">
          <svg viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 size-4 shrink-0" aria-hidden="true">
            <path
              fillRule="evenodd"
              d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
              clipRule="evenodd"
            />
          </svg>
          <span>{error}</span>
        </p>
      ) : hint ? (
        <p id={hintId} className="text-sm text-ink-subtle">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function FormField({ label, labelNote, hint, error, aside, name, ...inputProps }: FormFieldProps) {
  return (
    <FieldShell label={label} labelNote={labelNote} hint={hint} error={error} aside={aside}>
      {({ id, describedBy, invalid }) => (
        <Input id={id} name={name} invalid={invalid} aria-describedby={describedBy} {...inputProps} />
      )}
    </FieldShell>
  );
}
