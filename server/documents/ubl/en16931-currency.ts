import { currencyExponent } from "@/lib/money";
import { DomainError } from "@/server/errors";

/**
 * EN 16931 amounts (BT-106 … BT-115, line and VAT amounts) have at most 2 decimals, so an invoice in a currency with
 * a 3- or 4-digit minor unit (KWD, BHD, OMR, JOD, TND, IQD, LYD; CLF, UYW) cannot be an EN 16931 document: rounding
 * its amounts to 2 decimals would change what the customer owes. Such invoices get a PDF but no UBL XML.
 */
export const EN16931_MAX_DECIMALS = 2;

/** Why no EN 16931 XML can be made for this currency, or null when it can. */
export function en16931CurrencyProblem(currency: string): string | null {
  const code = currency.trim().toUpperCase();
  const decimals = currencyExponent(code);
  if (decimals <= EN16931_MAX_DECIMALS) return null;
  return `${code} amounts have ${decimals} decimals, but EN 16931 (Peppol BIS Billing 3.0) allows at most ${EN16931_MAX_DECIMALS}`;
}

/** Throws PRECONDITION_FAILED when the invoice's currency cannot be expressed in EN 16931. */
export function assertEn16931Currency(currency: string, what: string): void {
  const problem = en16931CurrencyProblem(currency);
  if (problem) throw new DomainError("PRECONDITION_FAILED", `No UBL XML for ${what}: ${problem}. Its PDF is available.`);
}
