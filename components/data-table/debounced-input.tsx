"use client";

import { useEffect, useState } from "react";
import { Input } from "@/components/ui/input";

/** A text filter that commits after the user pauses typing, so each keystroke is not a server query. */
export function DebouncedInput({
  value,
  onCommit,
  delay = 350,
  ...props
}: Omit<React.ComponentProps<typeof Input>, "value" | "onChange"> & { value: string; onCommit: (value: string) => void; delay?: number }) {
  const [draft, setDraft] = useState(value);
  // Follow outside changes (e.g. "Reset filters") by adjusting state during render, not in an effect.
  const [committed, setCommitted] = useState(value);
  if (value !== committed) {
    setCommitted(value);
    setDraft(value);
  }

  useEffect(() => {
    if (draft === committed) return;
    const timer = setTimeout(() => onCommit(draft), delay);
    return () => clearTimeout(timer);
  }, [draft, committed, delay, onCommit]);

  return (
    <Input
      {...props}
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === "Enter" && draft !== committed) onCommit(draft);
        props.onKeyDown?.(event);
      }}
    />
  );
}
