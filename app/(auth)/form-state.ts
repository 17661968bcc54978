// What the sign-in and sign-up actions hand back to their forms. Only the typed e-mail
// and name come back, never the password.
export type AuthFormState = {
  /** a message about the whole form, e.g. "Wrong email or password." */
  error?: string;
  fieldErrors?: Partial<Record<"name" | "email" | "password", string>>;
  values: { email: string; name?: string };
  /** sign-up: the address the next step was mailed to (the same answer for a taken address) */
  sentTo?: string;
  /** bumps on every answer, so the form can move focus to the new error */
  attempt: number;
};

export const initialAuthFormState: AuthFormState = { values: { email: "" }, attempt: 0 };
