// Joins class names, skipping the falsy ones (a three-line stand-in for clsx).
export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(" ");
}
