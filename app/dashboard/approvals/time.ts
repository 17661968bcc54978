// Times as a person reads them on the approvals pages: "just now", "4 min ago",
// "in 12 min", "yesterday", and an exact UTC timestamp next to them.

export function ago(date: Date, now: number): string {
  const diff = Math.round((now - date.getTime()) / 1000);
  const s = Math.abs(diff);
  if (s < 45) return diff >= 0 ? "just now" : "in a moment";
  let span: string;
  if (s < 3600) span = `${Math.max(1, Math.round(s / 60))} min`;
  else if (s < 86_400) span = `${Math.round(s / 3600)} h`;
  else {
    const days = Math.round(s / 86_400);
    if (days === 1) return diff >= 0 ? "yesterday" : "tomorrow";
    span = `${days} days`;
  }
  return diff >= 0 ? `${span} ago` : `in ${span}`;
}

export function exact(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
