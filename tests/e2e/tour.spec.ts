import type { BrowserContext, Page } from "@playwright/test";
import { apiOf, createAccounts, runFor, uniqueTag } from "./own-data";
import { compactHeader, scrollToTop, smallTargets } from "./phone-checks";
import { axeViolations, desktopViewport, documentViolations, expect, logIn, phoneContext, test } from "./support";

// Issue 21: every page and dialog of the dashboard, at desktop and phone size, in light and dark mode — axe finds no
// serious or critical WCAG 2.2 AA violation; on a phone every target on the review pages is at least 44×44 px and
// the compact header gets out of the way. It makes the runs it shows itself (over the REST API, with accounts of its
// own): one with drafts ready, one posted.
//
// The tour is a list of stops. Each opens a page or a dialog from where the previous one left the browser; axe then
// runs on it once per colour scheme. Adding a page is one line in `stops`, e.g.
//   { name: "schedules", open: visit("/schedules", (page) => page.getByRole("heading", { name: "Schedules" })) },

type Size = "desktop" | "phone";
type RunStatus = "Drafts ready" | "Posted";
/** The ids of the tour's own runs, by the status they show. */
type Runs = Record<RunStatus, string>;
type Tour = { page: Page; size: Size; phone: boolean; runs: Runs };
type Stop = {
  name: string;
  /** Only at this size (e.g. the phone's navigation sheet). */
  only?: Size;
  /** A review page: on the phone every visible target must offer 44×44 px. */
  targets?: boolean;
  /** What axe leaves out on this stop (a sandboxed iframe: its document is checked by the stop's `check`). */
  axeExclude?: string[];
  /** Opens the page or dialog; resolves once it shows. */
  open: (tour: Tour) => Promise<void>;
  /** More checks while it is open. */
  check?: (tour: Tour) => Promise<void>;
  /** Closes a dialog or menu. */
  close?: (tour: Tour) => Promise<void>;
};

const rows = (page: Page) => page.locator("[data-testid=data-table-row]:visible, [data-testid=data-table-card]:visible");
const selectionBar = (page: Page) => page.getByRole("toolbar", { name: "Selection actions" });
const runActions = (page: Page) => page.getByRole("toolbar", { name: "Billing run actions" });

/** Goes to a path and waits for what shows that it rendered. */
function visit(path: string, shown: (page: Page) => ReturnType<Page["getByRole"]>) {
  return async ({ page }: Tour) => {
    await page.goto(path);
    await expect(shown(page).first()).toBeVisible();
  };
}

/** Opens the tour's run with this status, with every folded section open. */
function runWithStatus(status: RunStatus) {
  return async ({ page, runs }: Tour) => {
    await page.goto(`/billing-runs/${runs[status]}`);
    await expect(page.getByTestId("run-status").first()).toHaveText(status);
    const closed = page.locator("section button[aria-controls][data-state=closed]");
    for (const trigger of await closed.all()) await trigger.click();
    await expect(closed).toHaveCount(0);
    await expect(rows(page).first()).toBeVisible();
  };
}

async function openFirstInvoice({ page }: Tour) {
  await rows(page).first().click();
  await expect(page.getByTestId("invoice-title")).toBeVisible({ timeout: 30_000 });
}

const emailPreview = "iframe[title='E-mail preview']";

const dialog = (page: Page) => page.getByRole("dialog").or(page.getByRole("alertdialog"));

async function pressEscape({ page }: Tour) {
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  await expect(page.getByRole("menu")).toHaveCount(0);
}

const stops: Stop[] = [
  { name: "billing runs list", targets: true, open: visit("/billing-runs", rows), check: skipLinkMovesFocus },
  {
    name: "navigation sheet",
    only: "phone",
    open: async ({ page }) => {
      await page.getByRole("button", { name: "Open navigation" }).click();
      await expect(page.getByRole("dialog")).toBeVisible();
    },
    close: pressEscape,
  },
  {
    name: "user menu",
    open: async ({ page }) => {
      await page.getByRole("button", { name: "User menu" }).click();
      await expect(page.getByRole("menu")).toBeVisible();
    },
    close: pressEscape,
  },
  { name: "new billing run", targets: true, open: visit("/billing-runs/new", (page) => page.getByRole("button", { name: "Create billing run" })) },
  {
    name: "run with drafts, all sections open",
    targets: true,
    open: runWithStatus("Drafts ready"),
    check: async ({ page, phone }) => {
      if (phone) await compactHeader(page);
    },
  },
  {
    name: "invoices with a selection",
    targets: true,
    open: async ({ page }) => {
      await rows(page).first().getByRole("checkbox").click();
      await expect(selectionBar(page)).toBeVisible();
    },
  },
  {
    name: "bulk action dialog (reject)",
    open: async ({ page }) => {
      await selectionBar(page).getByRole("button", { name: "Reject" }).click();
      await expect(page.getByRole("dialog").getByLabel("Reason")).toBeVisible();
    },
    close: async (tour) => {
      await pressEscape(tour);
      await selectionBar(tour.page).getByRole("button", { name: "Clear selection" }).click();
      await expect(selectionBar(tour.page)).toBeHidden();
    },
  },
  {
    name: "post dialog",
    open: async ({ page }) => {
      await runActions(page).getByRole("button", { name: "Post" }).click();
      await expect(page.getByRole("alertdialog")).toBeVisible();
    },
    close: pressEscape,
  },
  {
    name: "run actions menu",
    open: async ({ page }) => {
      await runActions(page).getByRole("button", { name: "Actions" }).click();
      await expect(page.getByRole("menu")).toBeVisible();
    },
    close: pressEscape,
  },
  {
    name: "cancel dialog",
    open: async ({ page, phone }) => {
      if (phone) {
        await runActions(page).getByRole("button", { name: "Actions" }).click();
        await page.getByRole("menuitem", { name: "Cancel run" }).click();
      } else {
        await runActions(page).getByRole("button", { name: "Cancel" }).click();
      }
      await expect(page.getByRole("dialog").getByRole("radio").first()).toBeVisible();
    },
    close: pressEscape,
  },
  {
    name: "job log dialog",
    open: async ({ page }) => {
      // (the desktop table and the phone cards both have one; the other one is hidden)
      await page.getByRole("button", { name: /^Log of the/ }).filter({ visible: true }).and(page.locator(":enabled")).first().click();
      await expect(page.getByRole("dialog")).toBeVisible();
    },
    close: pressEscape,
  },
  { name: "draft invoice", targets: true, open: openFirstInvoice },
  { name: "posted run, all sections open", targets: true, open: runWithStatus("Posted") },
  {
    name: "posted invoice",
    targets: true,
    open: async (tour) => {
      await openFirstInvoice(tour);
      await expect(tour.page.getByTestId("invoice-title")).toHaveText(/\d/);
    },
  },
  { name: "settings", open: visit("/settings", (page) => page.getByRole("heading", { name: "Settings" })) },
  { name: "outbox", open: visit("/outbox", (page) => page.getByTestId("outbox-list").getByRole("button", { name: "Preview" })) },
  {
    name: "e-mail preview dialog",
    axeExclude: [emailPreview],
    open: async ({ page }) => {
      await page.getByTestId("outbox-list").getByRole("button", { name: "Preview" }).first().click();
      await expect(page.getByRole("dialog").locator(emailPreview)).toBeVisible();
    },
    // the e-mail itself, on a page of its own (no script runs in the sandboxed preview, axe included)
    check: async ({ page, size }) => {
      const html = (await page.locator(emailPreview).getAttribute("srcdoc")) ?? "";
      expect(html).toContain("<");
      expect.soft(await documentViolations(page.context(), html), `axe: serious or critical WCAG 2.2 AA violations in the previewed e-mail (${size})`).toEqual([]);
    },
    close: pressEscape,
  },
];

/** The skip link is the first thing Tab reaches, and it moves the focus to the page's content. */
async function skipLinkMovesFocus({ page }: Tour) {
  await page.locator("body").focus();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  const box = (await skip.boundingBox())!;
  expect.soft(Math.min(box.width, box.height), "the focused skip link's smaller side (px)").toBeGreaterThanOrEqual(44);
  await skip.press("Enter");
  await expect(page.locator("#content")).toBeFocused();
}

/** The tour at one size: the login page, then (signed in by `signIn`, which gives the runs to show) every stop. */
async function tourAt(context: BrowserContext, size: Size, signIn: (page: Page) => Promise<Runs>): Promise<Runs> {
  const page = await context.newPage();
  const phone = size === "phone";

  const visitStop = async (name: string, targets: boolean, exclude?: string[]) => {
    const violations = await axeViolations(page, { exclude });
    expect.soft(violations, `axe: serious or critical WCAG 2.2 AA violations on ${name} (${size})`).toEqual([]);
    if (phone && targets) await scrollToTop(page);
    if (phone && targets) expect.soft(await smallTargets(page), `targets smaller than 44×44 px on ${name} (phone)`).toEqual([]);
  };

  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await visitStop("login", false);
  const tour: Tour = { page, size, phone, runs: await signIn(page) };

  for (const stop of stops) {
    if (stop.only && stop.only !== size) continue;
    await test.step(`${size}: ${stop.name}`, async () => {
      await stop.open(tour);
      await visitStop(stop.name, !!stop.targets, stop.axeExclude);
      await stop.check?.(tour);
      await stop.close?.(tour);
    });
  }
  return tour.runs;
}

/** Two runs of accounts of the tour's own: one processed to drafts (three invoices), one posted (two). */
async function ownRuns(page: Page): Promise<Runs> {
  const api = await apiOf(page, "e2e tour");
  const [drafts, posted] = await Promise.all([createAccounts(api, uniqueTag("TOURD"), { count: 3 }), createAccounts(api, uniqueTag("TOURP"), { count: 2 })]);
  const [draftsRun, postedRun] = await Promise.all([runFor(api, drafts), runFor(api, posted, { post: true })]);
  return { "Drafts ready": draftsRun, Posted: postedRun };
}

test("every page and dialog is accessible (axe, WCAG 2.2 AA, light and dark) at desktop and phone size", async ({ newContext }) => {
  test.setTimeout(600_000);
  const desktop = await newContext({ viewport: desktopViewport });
  const runs = await tourAt(desktop, "desktop", async (page) => {
    await logIn(page);
    return ownRuns(page);
  });
  // one sign-in: the phone reuses the desktop's session cookie
  const { cookies } = await desktop.storageState();
  const phoneCtx = await newContext(phoneContext);
  await tourAt(phoneCtx, "phone", async (page) => {
    await phoneCtx.addCookies(cookies);
    await page.goto("/billing-runs");
    await expect(page.getByRole("heading", { name: "Billing runs" })).toBeVisible();
    return runs;
  });
});
