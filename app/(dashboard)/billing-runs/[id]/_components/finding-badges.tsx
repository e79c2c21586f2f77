import { Badge } from "@/components/ui/badge";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { RuleKind, RuleSeverity } from "@/lib/billing-values";
import { RULE_LABEL } from "@/lib/review-labels";

export type FindingBadgeData = { kind: RuleKind; severity: RuleSeverity; message: string };

/** One badge per finding (rule name), its measured explanation in the tooltip and for screen readers. */
export function FindingBadges({ findings }: { findings: FindingBadgeData[] }) {
  if (!findings.length) return null;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Findings" data-testid="invoice-findings">
      {findings.map((f, i) => (
        <li key={`${f.kind}-${i}`}>
          <Tooltip>
            <TooltipTrigger asChild>
              <Badge variant={f.severity === "REJECTED" ? "destructive" : "warning"} tabIndex={0} className="cursor-help">
                {RULE_LABEL[f.kind] ?? f.kind}
                <span className="sr-only">: {f.message}</span>
              </Badge>
            </TooltipTrigger>
            <TooltipContent className="max-w-72">{f.message}</TooltipContent>
          </Tooltip>
        </li>
      ))}
    </ul>
  );
}

/**
 * The invoice's reason when it says more than its findings (a reviewer's rejection, a quarantine, a tax error): the
 * rules' own reason is their messages joined, which the badges already show.
 */
export function reasonBeyondFindings(reason: string | null, findings: FindingBadgeData[]): string | null {
  if (!reason) return null;
  const rest = findings.reduce((text, f) => text.replace(f.message, ""), reason).replace(/[;\s]+/g, "");
  return rest ? reason : null;
}
