// What the paste action hands back to its form. Only non-secret values come back (so a
// Trello API key survives a failed attempt); secrets are never echoed to the page.
export type PasteState = {
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  /** bumps on every answer, so the form can move focus to what needs fixing */
  attempt: number;
};

export const initialPasteState: PasteState = { attempt: 0 };
