"use client";

import {
  ArrowLeftIcon,
  BanIcon,
  CheckIcon,
  ChevronDownIcon,
  DownloadIcon,
  FileCode2Icon,
  FileTextIcon,
  Loader2Icon,
  MailIcon,
  PlayIcon,
  PowerIcon,
  PowerOffIcon,
  RefreshCwIcon,
  RotateCcwIcon,
  SaveIcon,
  SendIcon,
  ExternalLinkIcon,
} from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { formatRunNumber } from "../../_components/run-status";
import { CancelRunDialog, type ItemsChoice } from "./cancel-run-dialog";
import { ConfirmDialog } from "./confirm-dialog";
import { latestOf, progressText, runningJobText } from "./job-indicator";
import { postConfirmation } from "./post-summary";
import { ApprovalButtons } from "./approval-buttons";
import { SimulateLink } from "./simulate-link";
import type { Execution, RunAction, RunDetail } from "./types";
import { isRunBusy } from "./use-run";
import type { RunMutations } from "./use-run-mutations";

type Confirm = "post" | "disable" | "retry" | "email" | null;

/**
 * (1) Actions bar: only what the server lists in availableActions. On a phone everything but Go back and
 * Process folds into the Actions menu.
 */
export function ActionsBar({
  run,
  executions,
  mutations,
  descriptionDirty,
  onSave,
}: {
  run: RunDetail;
  executions: Execution[] | undefined;
  mutations: RunMutations;
  descriptionDirty: boolean;
  onSave: () => void;
}) {
  const router = useRouter();
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const can = (action: RunAction) => run.availableActions.includes(action);
  const label = formatRunNumber(run.number);
  const busy = isRunBusy(run);

  const pdf = latestOf(executions, "PDF");
  const xml = latestOf(executions, "XML");
  const pdfProgress = progressText(pdf);
  const xmlProgress = progressText(xml);
  const email = latestOf(executions, "EMAIL");
  const emailProgress = progressText(email);
  // a failed e-mail job (e.g. a refused address or a provider outage) is retried by sending what is still missing
  const emailLabel = email?.status === "FAILED" ? "Re-send missing e-mails" : "E-mail invoices";
  const running = run.runningJob;
  const runningProgress = runningJobText(running);

  const isPost = can("POST");
  const processLabel = run.processLabel ?? (isPost ? "Post" : "Process");
  const processMutation = isPost ? mutations.post : mutations.process;
  const postSummary = postConfirmation(run.invoiceCounts);

  // Cancel runs as a job: say so when asked, and again (same toast) when the run is canceled or the job failed.
  const cancelWatch = useRef<ItemsChoice | null>(null);
  const cancelToast = `cancel-${run.id}`;
  useEffect(() => {
    const items = cancelWatch.current;
    if (!items) return;
    if (run.status === "CANCELED") {
      cancelWatch.current = null;
      toast.success(`${label} canceled`, {
        id: cancelToast,
        description: items === "REOPEN" ? "Its rated items are open again for the next run." : "Its rated items are canceled.",
      });
    } else if (run.status === "FAILED") {
      cancelWatch.current = null;
      toast.error(`Cancel of ${label} failed`, { id: cancelToast, description: run.errorSummary ?? "See the execution report." });
    }
  }, [run.status, run.errorSummary, label, cancelToast]);

  function goBack() {
    if (window.history.length > 1) router.back();
    else router.push("/billing-runs");
  }

  function process() {
    processMutation.mutate(
      { id: run.id },
      {
        onSuccess: () => {
          setConfirm(null);
          toast.success(isPost ? `Posting ${label}…` : `${processLabel}: started for ${label}`);
        },
      },
    );
  }

  function generate(kind: "PDF" | "XML") {
    mutations.generateDocuments.mutate(
      { id: run.id, kind },
      { onSuccess: () => toast.success(`${kind} generation started for ${label}`) },
    );
  }

  function emailInvoices() {
    mutations.emailInvoices.mutate(
      { id: run.id },
      {
        onSuccess: () => {
          setConfirm(null);
          toast.success(`E-mailing the invoices of ${label}`);
        },
      },
    );
  }

  function setDisabled(disabled: boolean) {
    mutations.setDisabled.mutate(
      { id: run.id, disabled },
      {
        onSuccess: () => {
          setConfirm(null);
          toast.success(disabled ? `${label} disabled` : `${label} enabled`);
        },
      },
    );
  }

  function retryFailed() {
    mutations.retryFailed.mutate(
      { id: run.id },
      {
        onSuccess: (created) => {
          setConfirm(null);
          toast.success("A new exceptional run was created for the failed accounts");
          router.push(`/billing-runs/${created.id}`);
        },
      },
    );
  }

  const processButton =
    busy && running ? (
      <Button disabled data-testid="run-busy">
        <Loader2Icon className="animate-spin" aria-hidden />
        {run.processLabel ?? "Working"}
        {runningProgress && <span className="tabular-nums">{runningProgress}</span>}
      </Button>
    ) : can("PROCESS") ? (
      <Button onClick={() => (isPost ? setConfirm("post") : process())} disabled={processMutation.isPending}>
        {processMutation.isPending ? <Loader2Icon className="animate-spin" aria-hidden /> : isPost ? <SendIcon aria-hidden /> : <PlayIcon aria-hidden />}
        {processLabel}
      </Button>
    ) : busy ? (
      <Button disabled data-testid="run-busy">
        <Loader2Icon className="animate-spin" aria-hidden /> Working…
      </Button>
    ) : null;

  const docButton = (kind: "PDF" | "XML", progress: string | null) => (
    <Button
      variant="outline"
      onClick={() => generate(kind)}
      disabled={!!progress || mutations.generateDocuments.isPending}
      aria-label={progress ? `${kind} generation ${progress}` : `Generate ${kind}`}
    >
      {progress ? <Loader2Icon className="animate-spin" aria-hidden /> : kind === "PDF" ? <FileTextIcon aria-hidden /> : <FileCode2Icon aria-hidden />}
      {progress ? (
        <span className="tabular-nums">
          {kind} {progress}
        </span>
      ) : (
        `Generate ${kind}`
      )}
    </Button>
  );

  const { sourceRunId, quarantineRunId } = run;

  return (
    <div
      role="toolbar"
      aria-label="Billing run actions"
      className="sticky top-14 z-20 -mx-3 flex items-center gap-2 border-b bg-background px-3 py-2 transition-[top] duration-200 group-data-[header-hidden=true]/shell:max-md:top-0 max-md:-mt-4 sm:-mx-6 sm:px-6"
    >
      <Button variant="ghost" onClick={goBack} className="-ml-2">
        <ArrowLeftIcon aria-hidden />
        <span className="sr-only sm:not-sr-only">Go back</span>
      </Button>

      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline">
            Actions <ChevronDownIcon aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-64">
          <DropdownMenuLabel className="text-xs text-muted-foreground">{label}</DropdownMenuLabel>
          {/* Phone: the bar's buttons live here. */}
          <div className="md:hidden">
            {can("GENERATE_XML") && (
              <DropdownMenuItem onSelect={() => generate("XML")} disabled={!!xmlProgress}>
                <FileCode2Icon /> {xmlProgress ? `XML ${xmlProgress}` : "Generate XML"}
              </DropdownMenuItem>
            )}
            {can("GENERATE_PDF") && (
              <DropdownMenuItem onSelect={() => generate("PDF")} disabled={!!pdfProgress}>
                <FileTextIcon /> {pdfProgress ? `PDF ${pdfProgress}` : "Generate PDF"}
              </DropdownMenuItem>
            )}
            {can("DISABLE") && (
              <DropdownMenuItem onSelect={() => setConfirm("disable")}>
                <PowerOffIcon /> Disable
              </DropdownMenuItem>
            )}
            {can("ENABLE") && (
              <DropdownMenuItem onSelect={() => setDisabled(false)}>
                <PowerIcon /> Enable
              </DropdownMenuItem>
            )}
            {can("CANCEL") && (
              <DropdownMenuItem variant="destructive" onSelect={() => setCancelOpen(true)}>
                <BanIcon /> Cancel run
              </DropdownMenuItem>
            )}
            {can("SAVE") && (
              <DropdownMenuItem onSelect={onSave} disabled={!descriptionDirty}>
                <SaveIcon /> Save
              </DropdownMenuItem>
            )}
            <DropdownMenuSeparator />
          </div>
          {can("RETRY_FAILED") && (
            <DropdownMenuItem onSelect={() => setConfirm("retry")}>
              <RotateCcwIcon /> Retry failed accounts
            </DropdownMenuItem>
          )}
          {can("EMAIL_INVOICES") && (
            <DropdownMenuItem onSelect={() => setConfirm("email")} disabled={!!emailProgress}>
              <MailIcon /> {emailProgress ? `E-mails ${emailProgress}` : emailLabel}
            </DropdownMenuItem>
          )}
          {can("GENERATE_PDF") && (
            <DropdownMenuItem onSelect={() => void downloadDocumentsZip(run.id)}>
              <DownloadIcon /> Download documents (ZIP)
            </DropdownMenuItem>
          )}
          {sourceRunId && (
            <DropdownMenuItem asChild>
              <Link href={`/billing-runs/${sourceRunId}`}>
                <ExternalLinkIcon /> Open source run {run.sourceRunLabel}
              </Link>
            </DropdownMenuItem>
          )}
          {quarantineRunId && (
            <DropdownMenuItem asChild>
              <Link href={`/billing-runs/${quarantineRunId}`}>
                <ExternalLinkIcon /> Open quarantine run {run.quarantineRunLabel}
              </Link>
            </DropdownMenuItem>
          )}
          <DropdownMenuItem onSelect={() => void mutations.refresh()}>
            <RefreshCwIcon /> Refresh
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>

      <ApprovalButtons run={run} />
      <div className="ml-auto flex items-center gap-2">
        <div className="hidden items-center gap-2 md:flex">
          {can("GENERATE_XML") && docButton("XML", xmlProgress)}
          {can("GENERATE_PDF") && docButton("PDF", pdfProgress)}
          {/* the bar shows the e-mail job while it runs and after it failed; otherwise it lives in the Actions menu */}
          {can("EMAIL_INVOICES") && (emailProgress || email?.status === "FAILED") && (
            <Button
              variant="outline"
              onClick={() => setConfirm("email")}
              disabled={!!emailProgress || mutations.emailInvoices.isPending}
              aria-label={emailProgress ? `E-mails ${emailProgress}` : emailLabel}
            >
              {emailProgress ? <Loader2Icon className="animate-spin" aria-hidden /> : <MailIcon aria-hidden />}
              {emailProgress ? <span className="tabular-nums">E-mails {emailProgress}</span> : emailLabel}
            </Button>
          )}
          {can("DISABLE") && (
            <Button variant="outline" onClick={() => setConfirm("disable")}>
              <PowerOffIcon aria-hidden /> Disable
            </Button>
          )}
          {can("ENABLE") && (
            <Button variant="outline" onClick={() => setDisabled(false)} disabled={mutations.setDisabled.isPending}>
              <PowerIcon aria-hidden /> Enable
            </Button>
          )}
        </div>
        {processButton}
        {run.status === "NEW" && <SimulateLink runId={run.id} />}
        <div className="hidden items-center gap-2 md:flex">
          {can("CANCEL") && (
            <Button variant="outline" className="text-destructive hover:text-destructive" onClick={() => setCancelOpen(true)}>
              <BanIcon aria-hidden /> Cancel
            </Button>
          )}
          {can("SAVE") && (
            <Button variant="secondary" onClick={onSave} disabled={!descriptionDirty || mutations.saveDescription.isPending}>
              {mutations.saveDescription.isPending ? (
                <Loader2Icon className="animate-spin" aria-hidden />
              ) : descriptionDirty ? (
                <SaveIcon aria-hidden />
              ) : (
                <CheckIcon aria-hidden />
              )}
              Save
            </Button>
          )}
        </div>
      </div>

      <ConfirmDialog
        open={confirm === "post"}
        onOpenChange={(open) => setConfirm(open ? "post" : null)}
        title={`Post ${label}?`}
        description={
          <div className="space-y-2" data-testid="post-summary">
            {postSummary.lines.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        }
        confirmLabel="Post invoices"
        confirmDisabled={postSummary.blocked}
        pending={processMutation.isPending}
        onConfirm={process}
      />
      <ConfirmDialog
        open={confirm === "disable"}
        onOpenChange={(open) => setConfirm(open ? "disable" : null)}
        title={`Disable ${label}?`}
        description={<p>A disabled run is skipped by every invoicing job, including the invoice-lines job, until it is enabled again.</p>}
        confirmLabel="Disable"
        destructive
        pending={mutations.setDisabled.isPending}
        onConfirm={() => setDisabled(true)}
      />
      <ConfirmDialog
        open={confirm === "retry"}
        onOpenChange={(open) => setConfirm(open ? "retry" : null)}
        title="Retry failed accounts?"
        description={<p>A new exceptional billing run is created for exactly the accounts listed as failed in this run.</p>}
        confirmLabel="Create retry run"
        pending={mutations.retryFailed.isPending}
        onConfirm={retryFailed}
      />
      <ConfirmDialog
        open={confirm === "email"}
        onOpenChange={(open) => setConfirm(open ? "email" : null)}
        title={`${emailLabel} of ${label}?`}
        description={
          <p>
            Every customer with an e-mail address receives its posted invoice with the PDF attached. Invoices already
            e-mailed are not sent again{run.skipZeroAmount ? "; zero-amount invoices are skipped" : ""}.
          </p>
        }
        confirmLabel={emailLabel}
        pending={mutations.emailInvoices.isPending}
        onConfirm={emailInvoices}
      />
      <CancelRunDialog
        open={cancelOpen}
        onOpenChange={setCancelOpen}
        runLabel={label}
        pending={mutations.cancel.isPending}
        onConfirm={(items) =>
          mutations.cancel.mutate(
            { id: run.id, items },
            {
              onSuccess: () => {
                setCancelOpen(false);
                cancelWatch.current = items;
                toast(`Canceling ${label}…`, {
                  id: cancelToast,
                  description: items === "REOPEN" ? "Its draft invoices are canceled and its rated items re-opened." : "Its draft invoices and rated items are canceled.",
                });
              },
            },
          )
        }
      />
    </div>
  );
}

/**
 * Downloads the run's documents ZIP; a refusal (e.g. nothing generated yet) is toasted with the server's explanation
 * instead of saving an error page as a file. The probe's streamed body is cancelled at once; the browser then
 * downloads the archive itself (streamed to disk, not held in memory).
 */
async function downloadDocumentsZip(runId: string) {
  const url = `/billing-runs/${runId}/documents.zip`;
  const response = await fetch(url).catch(() => null);
  if (!response) {
    toast.error("Download failed", { description: "The server could not be reached. Try again." });
    return;
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
    toast.error("Download failed", { description: problem?.detail ?? `${response.status} ${response.statusText}` });
    return;
  }
  await response.body?.cancel().catch(() => undefined);
  const link = document.createElement("a");
  link.href = url;
  link.download = "";
  link.click();
}
