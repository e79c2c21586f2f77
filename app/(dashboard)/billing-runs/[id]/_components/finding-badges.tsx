import { Badge } from "@/components/ui/badge";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { RuleKind, RuleSeverity } from "@/lib/billing-values";
import { RULE_LABEL } from "@/lib/review-labels";

export type FindingBadgeData = { kind: RuleKind; severity: RuleSeverity; message: string };

/**
 * One badge per finding (rule name) with its measured explanation: in a tooltip on larger screens (the badge is
 * focusable for the keyboard) and as text beside it on a phone, where a tooltip neither opens on a tap nor would
 * offer a 44 px target. `messagesShown`: the caller shows each message itself, the badges only name the rules.
 */
export function FindingBadges({ findings, messagesShown = false }: { findings: FindingBadgeData[]; messagesShown?: boolean }) {
  if (!findings.length) return null;
  const variant = (f: FindingBadgeData) => (f.severity === "REJECTED" ? "destructive" : "warning");
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Findings" data-testid="invoice-findings">
      {findings.map((f, i) => (
        <li key={`${f.kind}-${i}`}>
          {messagesShown ? (
            <Badge variant={variant(f)}>{RULE_LABEL[f.kind] ?? f.kind}</Badge>
          ) : (
            <>
              <Tooltip>
                <TooltipTrigger asChild>
                  <Badge variant={variant(f)} tabIndex={0} className="cursor-help max-md:hidden">
                    {RULE_LABEL[f.kind] ?? f.kind}
                    <span className="sr-only">: {f.message}</span>
                  </Badge>
                </TooltipTrigger>
                <TooltipContent className="max-w-72">{f.message}</TooltipContent>
              </Tooltip>
              <span className="text-xs md:hidden">
                <Badge variant={variant(f)}>{RULE_LABEL[f.kind] ?? f.kind}</Badge> <span className="text-muted-foreground">{f.message}</span>
              </span>
            </>
          )}
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
