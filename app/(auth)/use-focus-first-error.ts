"use client";
// After a failed submit, move keyboard and screen-reader focus to what needs fixing:
// the first invalid field, or the form's error message.
import { useEffect, type RefObject } from "react";
import type { AuthFormState } from "@/app/(auth)/form-state";

export function useFocusFirstError(form: RefObject<HTMLFormElement | null>, state: AuthFormState) {
  useEffect(() => {
    if (state.attempt === 0 || !form.current) return;
    const target =
      form.current.querySelector<HTMLElement>("[aria-invalid='true']") ??
      form.current.querySelector<HTMLElement>("[data-form-error]");
    target?.focus();
  }, [form, state]);
}
