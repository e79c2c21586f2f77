/** The n-th rated item the API benchmarks send (bench/api.ts over HTTP, bench/ingest-phases.ts in process). */
export function benchRatedItem(tag: string, n: number, account: number) {
  const quantity = 1 + (n % 10);
  return {
    externalId: `${tag}-ITEM-${n}`,
    accountExternalId: `${tag}-ACC-${account}`,
    subscriptionExternalId: `${tag}-SUB-${account}`,
    chargeCode: `${tag}-USAGE`,
    description: "API calls",
    quantity: String(quantity),
    unitPrice: "0.0125",
    amount: `0.${String(quantity * 125).padStart(4, "0")}`,
    currency: "EUR",
    usageDate: `2026-10-${String(1 + (n % 28)).padStart(2, "0")}`,
  };
}
