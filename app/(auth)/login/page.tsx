import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getAuth } from "@/server/auth";
import { LoginForm } from "./_components/login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  await connection();
  const { next } = await searchParams;
  // Only same-site paths, so the login page cannot be used as an open redirect.
  const redirectTo = next && next.startsWith("/") && !next.startsWith("//") ? next : "/billing-runs";
  const session = await (await getAuth()).api.getSession({ headers: await headers() });
  if (session) redirect(redirectTo);
  const demo = process.env.NODE_ENV === "development" ? { email: "demo@billrun.local", password: "demo-password-2026" } : null;
  return <LoginForm redirectTo={redirectTo} demo={demo} />;
}
