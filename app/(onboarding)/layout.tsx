// Its own route group: the dashboard layout sends a tenant without a complete seller profile here, so this page must
// not sit under that layout (it would redirect to itself).
export default function OnboardingLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-dvh items-start justify-center bg-muted/40 px-4 py-10 sm:items-center">
      <div className="w-full max-w-xl">{children}</div>
    </main>
  );
}
