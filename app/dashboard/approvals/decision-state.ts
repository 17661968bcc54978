// What the decide action hands back to its form: a message when the decision could not
// be made (success redirects, so the page itself shows the outcome).
export type DecisionState = {
  error?: string;
  /** bumps on every answer, so the form can move focus to the new message */
  attempt: number;
};

export const initialDecisionState: DecisionState = { attempt: 0 };
