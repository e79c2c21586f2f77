"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, useSyncExternalStore } from "react";
import { toast } from "sonner";
import { useToastingMutation } from "@/components/mutation-error";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { errorDataOf } from "@/lib/error-data";
import { formatDate, formatDateTime } from "@/lib/format";
import { scheduleInput } from "@/lib/review-inputs";
import { formatRunNumber } from "@/lib/run-number";
import { isTimeZone, nextOccurrences } from "@/lib/schedule-dates";
import type { AppRouter } from "@/server/trpc/routers/_app";

type CycleSchedule = inferRouterOutputs<AppRouter>["schedules"]["list"][number];
type Mode = "MANUAL" | "REVIEW" | "AUTO_POST";

const MODES: { value: Mode; label: string }[] = [
  { value: "MANUAL", label: "Create only" },
  { value: "REVIEW", label: "Create and process (to drafts for review)" },
  { value: "AUTO_POST", label: "Create, process and post" },
];

const noSubscription = () => () => {};
const selectClass =
  "h-11 w-full rounded-md border border-input bg-transparent px-3 text-base shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 md:h-9 md:text-sm dark:bg-input/30";

/** One billing cycle's schedule: the form, the next three runs (previewed while editing) and the last scheduled run. */
export function ScheduleEditor({ cycle }: { cycle: CycleSchedule }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const s = cycle.schedule;
  const [form, setForm] = useState({
    dayOfMonth: String(s?.dayOfMonth ?? 1),
    timeOfDay: s?.timeOfDay ?? "06:00",
    timeZone: s?.timeZone ?? "Europe/Berlin",
    cutoffOffsetDays: String(s?.cutoffOffsetDays ?? 0),
    invoiceDateOffsetDays: String(s?.invoiceDateOffsetDays ?? 0),
    mode: (s?.mode ?? "REVIEW") as Mode,
    enabled: s?.enabled ?? true,
  });
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const input = {
    billingCycleId: cycle.billingCycleId,
    ...form,
    dayOfMonth: Number(form.dayOfMonth),
    cutoffOffsetDays: Number(form.cutoffOffsetDays),
    invoiceDateOffsetDays: Number(form.invoiceDateOffsetDays),
  };
  const parsed = scheduleInput.safeParse(input);
  const fieldErrors: Record<string, string> = { ...serverErrors };
  if (!parsed.success) for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
  // the dates depend on the clock: shown once in the browser (the server's render would not match)
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const preview = inBrowser && parsed.success && isTimeZone(form.timeZone) ? nextOccurrences(parsed.data, new Date(), 3) : [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.list.queryKey() });
  const save = useToastingMutation(
    trpc.schedules.save.mutationOptions({
      onSuccess: () => {
        toast.success(`Schedule of ${cycle.cycleName} saved`);
        void refresh();
      },
      onError: (error) => setServerErrors(Object.fromEntries(errorDataOf(error).issues.map((i) => [i.field, i.message]))),
    }),
    "The schedule was not saved",
  );
  const remove = useToastingMutation(
    trpc.schedules.delete.mutationOptions({ onSuccess: () => void refresh() }),
    "The schedule was not removed",
  );
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setServerErrors({});
    setForm((f) => ({ ...f, [key]: e.target.value }));
  };
  const id = (field: string) => `schedule-${cycle.billingCycleId}-${field}`;
  const field = (name: keyof typeof form, label: string, props: React.ComponentProps<typeof Input>, hint?: string) => (
    <div className="grid gap-1.5">
      <Label htmlFor={id(name)}>{label}</Label>
      <Input
        id={id(name)}
        value={String(form[name])}
        onChange={set(name)}
        aria-invalid={fieldErrors[name] ? true : undefined}
        aria-describedby={fieldErrors[name] || hint ? id(`${name}-hint`) : undefined}
        {...props}
      />
      {(fieldErrors[name] || hint) && (
        <p id={id(`${name}-hint`)} className={fieldErrors[name] ? "text-xs text-destructive" : "text-xs text-muted-foreground"}>
          {fieldErrors[name] ?? hint}
        </p>
      )}
    </div>
  );

  return (
    <Card data-testid="schedule-card" aria-labelledby={id("title")}>
      <CardHeader>
        <CardTitle id={id("title")} className="flex flex-wrap items-center gap-2">
          {cycle.cycleName}
          <Badge variant={s ? (s.enabled ? "success" : "muted") : "outline"}>{s ? (s.enabled ? "scheduled" : "paused") : "no schedule"}</Badge>
        </CardTitle>
        <CardDescription>
          {cycle.lastRun ? (
            <>
              Last scheduled run:{" "}
              <Link className="underline underline-offset-2" href={`/billing-runs/${cycle.lastRun.id}`}>
                {formatRunNumber(cycle.lastRun.number)}
              </Link>{" "}
              for {cycle.lastRun.period} ({cycle.lastRun.status.toLowerCase().replaceAll("_", " ")})
            </>
          ) : (
            "No scheduled run yet."
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (parsed.success) save.mutate(parsed.data);
          }}
        >
          <div className="grid gap-3 sm:grid-cols-3">
            {field("dayOfMonth", "Day of month", { type: "number", inputMode: "numeric", min: 1, max: 31 }, "29–31: the last day of shorter months")}
            {field("timeOfDay", "Time", { type: "time" })}
            {field("timeZone", "Time zone", { autoComplete: "off", spellCheck: false }, "IANA name, e.g. Europe/Berlin")}
            {field("cutoffOffsetDays", "Cut-off (days after the run day)", { type: "number", inputMode: "numeric", min: -31, max: 31 }, "0: items dated before the run day")}
            {field("invoiceDateOffsetDays", "Invoice date (days after the run day)", { type: "number", inputMode: "numeric", min: -31, max: 31 })}
            <div className="grid gap-1.5">
              <Label htmlFor={id("mode")}>What happens</Label>
              <select id={id("mode")} className={selectClass} value={form.mode} onChange={set("mode")}>
                {MODES.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <label className="flex min-h-11 items-center gap-3 text-sm">
            <Checkbox checked={form.enabled} onCheckedChange={(checked) => setForm((f) => ({ ...f, enabled: checked === true }))} />
            Enabled (a paused schedule creates nothing and does not catch up later)
          </label>
          <div className="grid gap-1" aria-live="polite">
            <p className="text-sm font-medium">Next runs</p>
            {form.enabled && preview.length ? (
              <ol className="grid gap-1 text-sm" data-testid="schedule-next-runs">
                {preview.map((o) => (
                  <li key={o.period} className="rounded-md border px-3 py-2">
                    <span className="font-medium">{formatDateTime(o.dueAt)}</span>
                    <span className="block text-xs text-muted-foreground sm:inline sm:before:content-['_·_']">
                      cut-off {formatDate(o.cutoffDate)} · invoice date {formatDate(o.invoiceDate)}
                    </span>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="text-sm text-muted-foreground">{form.enabled ? "Fix the fields above to see the next runs." : "None while paused."}</p>
            )}
          </div>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" className="min-h-11" disabled={save.isPending || !parsed.success}>
              Save schedule
            </Button>
            {s && (
              <Button type="button" variant="outline" className="min-h-11" disabled={remove.isPending} onClick={() => remove.mutate({ billingCycleId: cycle.billingCycleId })}>
                Remove schedule
              </Button>
            )}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
