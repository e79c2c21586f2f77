"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";

export const GRANTABLE_ROLES = [
  { value: "operator", label: "Operator — ingest, create and process runs" },
  { value: "viewer", label: "Viewer — read only" },
  { value: "admin", label: "Admin — everything" },
] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number]["value"];

/**
 * Grants a role to someone or something new: an API key (named) or a member (invited by e-mail). One text field, the
 * role, and the button; the list of what was granted is the card's own (RoleGrantList).
 */
export function RoleGrantForm({
  idPrefix,
  label,
  type = "text",
  placeholder,
  maxLength,
  submit,
  pending,
  onSubmit,
}: {
  idPrefix: string;
  label: string;
  type?: "text" | "email";
  placeholder: string;
  maxLength?: number;
  submit: React.ReactNode;
  pending: boolean;
  /** resolves true when the grant was made (the field is then cleared) */
  onSubmit: (value: string, role: GrantableRole) => Promise<boolean>;
}) {
  const [value, setValue] = useState("");
  const [role, setRole] = useState<GrantableRole>("operator");
  return (
    <form
      className="grid gap-3 sm:grid-cols-[1fr_minmax(0,16rem)_auto] sm:items-end"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onSubmit(value.trim(), role)) setValue("");
      }}
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${idPrefix}-value`}>{label}</Label>
        <Input id={`${idPrefix}-value`} type={type} value={value} onChange={(e) => setValue(e.target.value)} placeholder={placeholder} maxLength={maxLength} required />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${idPrefix}-role`}>Role</Label>
        <Select value={role} onValueChange={(v) => setRole(v as GrantableRole)}>
          <SelectTrigger id={`${idPrefix}-role`} className="w-full">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {GRANTABLE_ROLES.map((r) => (
              <SelectItem key={r.value} value={r.value}>
                {r.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <Button type="submit" disabled={pending || !value.trim()}>
        {submit}
      </Button>
    </form>
  );
}

/** The granted keys or invitations: one row each, an icon, the text and its badges, and an optional action. */
export function RoleGrantList({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <ul className="divide-y rounded-md border" aria-label={label}>
      {children}
    </ul>
  );
}

export function RoleGrantItem({ icon: Icon, children, action }: { icon: React.ComponentType<{ className?: string; "aria-hidden"?: boolean }>; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2.5">
      <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
      <div className="grid min-w-0 flex-1 gap-0.5">{children}</div>
      {action}
    </li>
  );
}
