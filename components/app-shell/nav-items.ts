import { InboxIcon, ReceiptTextIcon, SettingsIcon, type LucideIcon } from "lucide-react";

export type NavItem = { href: string; label: string; icon: LucideIcon };

export const navItems: NavItem[] = [
  { href: "/billing-runs", label: "Billing runs", icon: ReceiptTextIcon },
  { href: "/outbox", label: "Outbox", icon: InboxIcon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
];
