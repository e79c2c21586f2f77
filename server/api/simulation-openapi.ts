// The OpenAPI description of a run simulation (server/billing/simulation.ts): every field described, one example.

const money = (description: string) => ({ type: "string", pattern: "^-?\\d+(\\.\\d+)?$", description });
const nullableMoney = (description: string) => ({ type: ["string", "null"], pattern: "^-?\\d+(\\.\\d+)?$", description });
const count = (description: string) => ({ type: "integer", minimum: 0, description });
const obj = (description: string, properties: Record<string, unknown>) => ({ type: "object", description, required: Object.keys(properties), properties });
const list = (description: string, items: unknown) => ({ type: "array", description, items });

const finding = obj("A rule the invoice would match, with what it measured", {
  kind: { type: "string", description: "The review rule (Settings → Review rules)" },
  severity: { type: "string", enum: ["SUSPECT", "REJECTED"], description: "What the rule makes of the invoice" },
  message: { type: "string", description: "The explanation stored with the finding" },
  chargeId: { type: ["string", "null"], format: "uuid", description: "The charge a usage finding is about" },
  value: nullableMoney("The measured value (total, net or usage quantity)"),
  previousValue: nullableMoney("The value on the previous posted invoice it compares with"),
  changePercent: nullableMoney("The change against the previous value, in %"),
  threshold: nullableMoney("The rule's threshold"),
  currency: { type: ["string", "null"], description: "Currency of a money value" },
  previousInvoiceId: { type: ["string", "null"], format: "uuid", description: "The previous posted invoice compared with" },
});

const account = obj("The invoice (or credit note) Process would create for one account", {
  accountId: { type: "string", format: "uuid", description: "The account" },
  accountName: { type: "string", description: "The account's name" },
  accountExternalId: { type: "string", description: "The account's id in the caller's system" },
  currency: { type: "string", description: "Invoice currency (the account's)" },
  type: { type: "string", enum: ["INVOICE", "CREDIT_NOTE"], description: "A negative net makes a credit note" },
  status: { type: "string", enum: ["DRAFT", "SUSPECT", "REJECTED"], description: "The status the draft would get from the review rules" },
  reason: { type: ["string", "null"], description: "Why it is SUSPECT or REJECTED" },
  net: money("Net total"),
  tax: money("VAT total (rounded per VAT category and rate)"),
  gross: money("Net + VAT"),
  lines: count("Invoice lines"),
  items: count("Rated items the lines bill"),
  previousInvoiceId: { type: ["string", "null"], format: "uuid", description: "The account's previous posted invoice in the same currency" },
  previousNet: nullableMoney("Its net total"),
  change: nullableMoney("net − previous net"),
  changePercent: nullableMoney("The change in % of the previous net (one decimal); null without one or when it was 0"),
  findings: list("The rules it would match", finding),
});

export const simulationSchema = {
  ...obj("What Process would produce for the run, computed without claiming an item or writing a line or invoice", {
    run: obj("The run simulated", {
      id: { type: ["string", "null"], format: "uuid", description: "The NEW run, or null for a run that does not exist yet" },
      type: { type: "string", enum: ["CYCLE", "EXCEPTIONAL"], description: "Run type" },
      billingCycleId: { type: ["string", "null"], format: "uuid", description: "The cycle of a CYCLE run" },
      filter: { type: ["object", "null"], description: "The filters of an EXCEPTIONAL run", additionalProperties: true },
      invoiceDate: { type: "string", format: "date", description: "Invoice date" },
      cutoffDate: { type: "string", format: "date", description: "Exclusive cut-off of the items' usage dates" },
    }),
    counts: obj("Counts", {
      accounts: count("Accounts that would be invoiced"),
      lines: count("Invoice lines"),
      items: count("Rated items billed"),
      invoices: obj("Drafts by the status they would get", { DRAFT: count("Clean drafts"), SUSPECT: count("Drafts to review"), REJECTED: count("Rejected drafts") }),
      invoicesByType: obj("Drafts by type", { INVOICE: count("Invoices"), CREDIT_NOTE: count("Credit notes") }),
      failedAccounts: count("Accounts the lines step would fail (items in another currency than the account's)"),
      skippedZeroAmount: count("Zero-amount accounts skipped (run setting skipZeroAmount)"),
    }),
    amounts: list("Totals per currency", obj("One currency", { currency: { type: "string", description: "Currency" }, net: money("Net"), tax: money("VAT"), gross: money("Gross") })),
    byChargeType: list(
      "Net per currency and charge type",
      obj("One charge type", { currency: { type: "string", description: "Currency" }, chargeType: { type: "string", description: "Charge type" }, net: money("Net"), lines: count("Lines") }),
    ),
    vatByCategoryAndCountry: list(
      "VAT per category, rate and buyer country",
      obj("One category, rate and country", {
        currency: { type: "string", description: "Currency" },
        vatCategory: { type: "string", description: "VAT category code (EN 16931 UNCL5305)" },
        vatRate: money("VAT rate in %"),
        country: { type: ["string", "null"], description: "Buyer country" },
        accounts: count("Accounts"),
        net: money("Taxable amount"),
        tax: money("VAT"),
        label: { type: "string", description: "Human label of the category and rate" },
      }),
    ),
    invoiceSigns: obj("Drafts by the sign of their net", { positive: count("Net above 0"), negative: count("Net below 0"), zero: count("Net 0") }),
    findings: list(
      "Drafts per rule and severity",
      obj("One rule", { kind: { type: "string", description: "Rule" }, severity: { type: "string", description: "Severity" }, invoices: count("Drafts it would flag") }),
    ),
    changeVsPrevious: obj("The drafts against each account's previous posted invoice", {
      accountsWithPrevious: count("Accounts with a previous posted invoice"),
      increased: count("Net above the previous"),
      decreased: count("Net below the previous"),
      unchanged: count("Net equal to the previous"),
      firstInvoices: count("Accounts without a previous posted invoice"),
    }),
    failures: list(
      "Accounts the lines step would fail (first 200)",
      obj("One account", { accountId: { type: "string", format: "uuid", description: "Account" }, accountName: { type: "string", description: "Name" }, reason: { type: "string", description: "Why" } }),
    ),
    accounts: obj("Per-account results (the CSV export has every account)", {
      total: count("Accounts in the simulation"),
      rows: list("The 200 biggest changes against the previous posted invoice (the net for a first invoice) first", account),
    }),
    held: obj("Accounts on hold the run skips", {
      accounts: count("Held accounts with open items before the cut-off"),
      items: count("Their open items"),
      amounts: { type: "object", additionalProperties: money("Amount"), description: "Their items' amount per currency" },
    }),
  }),
  examples: [
    {
      run: { id: null, type: "CYCLE", billingCycleId: "0b6a2f1e-3c1d-4f7a-9a55-3f1d2c4b5a61", filter: null, invoiceDate: "2026-12-01", cutoffDate: "2026-12-01" },
      counts: { accounts: 2, lines: 3, items: 41, invoices: { DRAFT: 1, SUSPECT: 1, REJECTED: 0 }, invoicesByType: { INVOICE: 2, CREDIT_NOTE: 0 }, failedAccounts: 0, skippedZeroAmount: 0 },
      amounts: [{ currency: "EUR", net: "1450.00", tax: "275.50", gross: "1725.50" }],
      byChargeType: [{ currency: "EUR", chargeType: "USAGE", net: "1450.00", lines: 3 }],
      vatByCategoryAndCountry: [{ currency: "EUR", vatCategory: "S", vatRate: "19.00", country: "DE", accounts: 2, net: "1450.00", tax: "275.50", label: "Standard rate 19 %" }],
      invoiceSigns: { positive: 2, negative: 0, zero: 0 },
      findings: [{ kind: "CHANGE_PERCENT", severity: "SUSPECT", invoices: 1 }],
      changeVsPrevious: { accountsWithPrevious: 2, increased: 1, decreased: 0, unchanged: 1, firstInvoices: 0 },
      failures: [],
      accounts: {
        total: 2,
        rows: [
          {
            accountId: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e",
            accountName: "Acme GmbH",
            accountExternalId: "ACME",
            currency: "EUR",
            type: "INVOICE",
            status: "SUSPECT",
            reason: "Changed by more than 50 % against the previous posted invoice (+150.0 %)",
            net: "1250.00",
            tax: "237.50",
            gross: "1487.50",
            lines: 2,
            items: 40,
            previousInvoiceId: "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            previousNet: "500.00",
            change: "750.00",
            changePercent: "150.0",
            findings: [
              {
                kind: "CHANGE_PERCENT",
                severity: "SUSPECT",
                message: "Changed by more than 50 % against the previous posted invoice (+150.0 %)",
                chargeId: null,
                value: "1250.00",
                previousValue: "500.00",
                changePercent: "150.00",
                threshold: "50",
                currency: "EUR",
                previousInvoiceId: "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
              },
            ],
          },
        ],
      },
      held: { accounts: 0, items: 0, amounts: {} },
    },
  ],
};

export const simulationCsvResponse = {
  description: "One row per account (every account, biggest change first); text fields that start with =, +, - or @ are prefixed with '",
  content: { "text/csv": { schema: { type: "string", contentMediaType: "text/csv" } } },
};
