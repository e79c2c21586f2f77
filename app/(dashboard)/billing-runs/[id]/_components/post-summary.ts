import { formatCount } from "@/lib/format";

// What the Post confirmation says, from the run's invoice counts (server/billing/runs.ts `invoiceCounts`). Posting
// numbers every DRAFT and SUSPECT invoice; a REJECTED one blocks the whole posting (server/billing/run-transitions.ts).

export type PostCounts = { draft: number; suspect: number; rejected: number };

const invoices = (n: number) => `${formatCount(n)} invoice${n === 1 ? "" : "s"}`;

export function postConfirmation(counts: PostCounts): { lines: string[]; blocked: boolean } {
  const toPost = counts.draft + counts.suspect;
  if (counts.rejected > 0) {
    return {
      blocked: true,
      lines: [
        `${invoices(counts.rejected)} ${counts.rejected === 1 ? "is" : "are"} rejected: posting is refused until ${counts.rejected === 1 ? "it is" : "they are"} validated, quarantined or canceled.`,
        `Then ${invoices(toPost)} would be posted.`,
      ],
    };
  }
  const lines = [`${invoices(toPost)} will get their final number and become immutable.`];
  if (counts.suspect > 0) {
    lines.push(
      `${invoices(counts.suspect)} ${counts.suspect === 1 ? "is" : "are"} suspect and will be posted as ${counts.suspect === 1 ? "it is" : "they are"}: quarantine, reject or cancel ${counts.suspect === 1 ? "it" : "them"} first to keep ${counts.suspect === 1 ? "it" : "them"} out.`,
    );
  }
  return { lines, blocked: false };
}

/** The title of the toast when Process (or Post, the same procedure once drafts are ready) is refused. */
export const processFailureTitle = (isPost: boolean) => (isPost ? "Post failed" : "Process failed");
