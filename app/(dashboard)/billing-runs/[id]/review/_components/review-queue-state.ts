// The review queue's navigation and its keyboard shortcuts, as plain functions (the component only wires them).

export type ReviewOutcome = "VALIDATE" | "REJECT" | "QUARANTINE";

/** The next invoice still to review after `from` (wrapping around), or null when every one is reviewed. */
export function nextUnreviewed(ids: readonly string[], reviewed: Readonly<Record<string, ReviewOutcome>>, from: number): number | null {
  for (let step = 1; step <= ids.length; step++) {
    const index = (from + step) % ids.length;
    if (!reviewed[ids[index]]) return index;
  }
  return null;
}

export type ReviewCommand = "next" | "previous" | "VALIDATE" | "REJECT" | "QUARANTINE";

export const SHORTCUTS: {
  key: string;
  command: ReviewCommand;
  label: string;
}[] = [
  { key: "j", command: "next", label: "next" },
  { key: "k", command: "previous", label: "previous" },
  { key: "v", command: "VALIDATE", label: "validate" },
  { key: "r", command: "REJECT", label: "reject (asks the reason)" },
  { key: "q", command: "QUARANTINE", label: "quarantine" },
];

type KeyLike = {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  defaultPrevented: boolean;
  target: EventTarget | null;
};

/** True when the keystroke goes into a text field (or another editable element): shortcuts stay out of the way then. */
function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const element = target as HTMLElement;
  return element.isContentEditable === true || !!element.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
}

/** The review command of a key press, or null (modifier held, typing in a field, a dialog open, or not a shortcut). */
export function commandOf(event: KeyLike, dialogOpen: boolean): ReviewCommand | null {
  if (dialogOpen || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return null;
  return SHORTCUTS.find((s) => s.key === event.key)?.command ?? null;
}
