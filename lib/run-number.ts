/** Human number of a billing run, e.g. BR-000042 (used by the dashboard, e-mails, webhooks and the API). */
export function formatRunNumber(n: number): string {
  return `BR-${String(n).padStart(6, "0")}`;
}
