"use client";

import { Building2Icon, MenuIcon, ReceiptTextIcon } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { MainNav } from "./main-nav";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";

type AppShellProps = {
  user: { name: string; email: string };
  tenantName: string;
  role: string | null;
  children: React.ReactNode;
};

function Brand() {
  return (
    <Link href="/billing-runs" className="flex min-h-11 items-center gap-2 font-semibold tracking-tight">
      <ReceiptTextIcon className="size-5" aria-hidden />
      Billrun
    </Link>
  );
}

/** Phone: the header leaves while the page scrolls down and comes back as soon as it scrolls up. */
function useHeaderHidden() {
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    let last = window.scrollY;
    function onScroll() {
      const y = window.scrollY;
      if (Math.abs(y - last) < 8) return;
      setHidden(y > last && y > 56);
      last = y;
    }
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);
  return hidden;
}

export function AppShell({ user, tenantName, role, children }: AppShellProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  const headerHidden = useHeaderHidden();
  return (
    // group/shell: sticky bars of the pages (the run's actions bar) follow the header's state
    <div className="group/shell flex min-h-dvh" data-header-hidden={headerHidden && !menuOpen}>
      <a
        href="#content"
        className="sr-only z-50 rounded-md bg-background px-4 py-3 text-sm font-medium shadow-lg ring-2 ring-ring focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:inline-flex focus:min-h-11 focus:items-center"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-dvh w-56 shrink-0 flex-col gap-6 border-r bg-sidebar px-3 py-4 text-sidebar-foreground md:flex">
        <div className="px-3">
          <Brand />
        </div>
        <MainNav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-background px-3 transition-transform duration-200 group-data-[header-hidden=true]/shell:max-md:-translate-y-full sm:px-6">
          <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
            <SheetTrigger asChild>
              <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation">
                <MenuIcon />
              </Button>
            </SheetTrigger>
            <SheetContent side="left" className="w-64 bg-sidebar p-0">
              <SheetHeader>
                <SheetTitle>
                  <Brand />
                </SheetTitle>
                <SheetDescription className="sr-only">Main navigation</SheetDescription>
              </SheetHeader>
              <div className="px-3">
                <MainNav onNavigate={() => setMenuOpen(false)} />
              </div>
            </SheetContent>
          </Sheet>
          <div className="md:hidden">
            <Brand />
          </div>
          <div className="ml-auto flex min-w-0 items-center gap-1">
            <span
              className="hidden max-w-[16rem] min-w-0 items-center gap-1.5 truncate rounded-md border px-2 py-1 text-sm text-muted-foreground sm:flex"
              data-testid="tenant-name"
            >
              <Building2Icon className="size-4 shrink-0" aria-hidden />
              <span className="truncate">{tenantName}</span>
            </span>
            <ThemeToggle />
            <UserMenu user={user} tenantName={tenantName} role={role} />
          </div>
        </header>
        <main id="content" tabIndex={-1} className="mx-auto w-full max-w-7xl min-w-0 flex-1 px-3 py-4 outline-none sm:px-6 sm:py-6">
          {children}
        </main>
      </div>
    </div>
  );
}
