"use client";

import { Loader2Icon, ReceiptTextIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { authClient } from "@/components/auth-client";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

// react-hook-form's own rules, not a zod schema: the sign-in page is the first one a newcomer's `npm run dev` compiles,
// and zod (with its ~50 locales) was most of its client code. The server validates again.
type LoginValues = { email: string; password: string };
const emailRules = {
  required: "Enter a valid e-mail address",
  pattern: { value: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, message: "Enter a valid e-mail address" },
};
const passwordRules = { required: "Enter your password" };

export function LoginForm({ redirectTo, demo }: { redirectTo: string; demo: { email: string; password: string } | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<LoginValues>({ defaultValues: { email: "", password: "" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: LoginValues) {
    setError(null);
    const { error: signInError } = await authClient.signIn.email({ email: values.email, password: values.password });
    if (signInError) {
      setError(signInError.message ?? "Sign in failed");
      return;
    }
    router.replace(redirectTo);
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <div className="mb-2 flex items-center gap-2 text-lg font-semibold">
          <ReceiptTextIcon className="size-5" aria-hidden /> Billrun
        </div>
        <CardTitle>
          <h1 className="text-xl">Sign in</h1>
        </CardTitle>
        <CardDescription>Use your e-mail and password.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={form.handleSubmit(onSubmit)} className="grid gap-4" noValidate>
          <div className="grid gap-2">
            <Label htmlFor="email">E-mail</Label>
            <Input
              id="email"
              type="email"
              autoComplete="username"
              aria-invalid={!!errors.email}
              aria-describedby={errors.email ? "email-error" : undefined}
              {...form.register("email", emailRules)}
            />
            {errors.email && <p id="email-error" className="text-sm text-destructive">{errors.email.message}</p>}
          </div>
          <div className="grid gap-2">
            <Label htmlFor="password">Password</Label>
            <Input
              id="password"
              type="password"
              autoComplete="current-password"
              aria-invalid={!!errors.password}
              aria-describedby={errors.password ? "password-error" : undefined}
              {...form.register("password", passwordRules)}
            />
            {errors.password && <p id="password-error" className="text-sm text-destructive">{errors.password.message}</p>}
          </div>
          {error && (
            <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
              {error}
            </p>
          )}
          <Button type="submit" disabled={isSubmitting} className="w-full">
            {isSubmitting && <Loader2Icon className="animate-spin" aria-hidden />}
            Sign in
          </Button>
          {demo && (
            <div className="rounded-md border border-dashed p-3 text-sm text-muted-foreground">
              <p className="font-medium text-foreground">Demo login (development only)</p>
              <p>
                {demo.email} / {demo.password}
              </p>
              <Button
                type="button"
                variant="link"
                className="h-auto px-0"
                onClick={() => {
                  form.setValue("email", demo.email);
                  form.setValue("password", demo.password);
                }}
              >
                Fill in the demo login
              </Button>
            </div>
          )}
        </form>
      </CardContent>
    </Card>
  );
}
