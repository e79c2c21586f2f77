import { CalendarClockIcon, InboxIcon, PauseCircleIcon, ReceiptTextIcon, ScrollTextIcon, SettingsIcon, type LucideIcon } from "lucide-react";

export type NavItem = { href: string; label: string; icon: LucideIcon };

export const navItems: NavItem[] = [
  { href: "/billing-runs", label: "Billing runs", icon: ReceiptTextIcon },
  { href: "/schedules", label: "Schedules", icon: CalendarClockIcon },
  { href: "/holds", label: "Holds", icon: PauseCircleIcon },
  { href: "/outbox", label: "Outbox", icon: InboxIcon },
  { href: "/audit-log", label: "Audit log", icon: ScrollTextIcon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
];
