import type { Page } from "@playwright/test";
import { expect } from "./support";

// Issue 21 point 4, on a 390 px phone: every target offers 44×44 px, and the compact header gets out of the way on a
// run's page. Used by phone-review.spec.ts (CI) and the tour (every review page).

/** Phone: header and actions bar are compact and opaque; the header hides on scroll down and comes back on scroll up. */
export async function compactHeader(page: Page) {
  await scrollToTop(page);
  const header = page.getByRole("banner");
  const actions = page.getByRole("toolbar", { name: "Billing run actions" });
  // places in the page's (layout) viewport: the phone emulation's visual viewport may be panned a few pixels, which
  // moves Playwright's bounding boxes but not the bars
  const rect = (bar: typeof header) => bar.evaluate((el) => ({ top: el.getBoundingClientRect().top, bottom: el.getBoundingClientRect().bottom }));
  const bottom = async () => (await rect(actions)).bottom;
  expect.soft(await bottom(), "header + actions bar height at the top of the run page (px of 844)").toBeLessThanOrEqual(120);
  for (const bar of [header, actions]) {
    const alpha = await bar.evaluate((el) => {
      const color = getComputedStyle(el).backgroundColor;
      const match = color.match(/[\d.]+/g) ?? [];
      return color.startsWith("rgba") || color.includes("/") ? Number(match[3] ?? match.at(-1)) : 1;
    });
    expect.soft(alpha, "bar background opacity").toBe(1);
  }
  await page.evaluate(() => window.scrollBy(0, 600));
  await expect.poll(async () => (await rect(header)).bottom).toBeLessThanOrEqual(0);
  await expect.poll(async () => (await rect(actions)).top).toBeLessThanOrEqual(1);
  await page.evaluate(() => window.scrollBy(0, -200));
  await expect.poll(async () => (await rect(header)).top).toBeGreaterThanOrEqual(0);
  await expect.poll(async () => (await rect(actions)).top).toBeGreaterThanOrEqual(50);
}

/** Scrolls to the top and waits until the (phone) header has come back. */
export async function scrollToTop(page: Page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const header = page.getByRole("banner");
  // the header's place in the page's (layout) viewport: the phone emulation's visual viewport may be panned a few
  // pixels (a page wider than 390 px), which moves Playwright's bounding box but not the header
  if (await header.count()) await expect.poll(async () => header.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
}

/**
 * Every visible button, link, input, checkbox… (and clickable card) must offer a 44×44 px target: its box, or — for a
 * smaller control such as a checkbox with an enlarged hit area — a 44×44 square around its centre that hits it
 * everywhere (document.elementFromPoint at its corners, edge midpoints and centre; a hit on its <label> counts).
 */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector =
      "a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=checkbox], [role=radio], [role=combobox], [role=tab], [role=switch], [role=menuitem], [tabindex='0']";
    const small: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute("role") ? `[role=${el.getAttribute("role")}]` : ""} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40)}"`;
    const startY = window.scrollY;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (el.closest("[aria-hidden=true], [inert]") || getComputedStyle(el).visibility === "hidden") continue;
      if (el.getClientRects().length === 0) continue;
      // (sync: the page's scroll handlers — the hiding header — run only after this evaluation)
      el.scrollIntoView({ block: "center", inline: "center" });
      const box = el.getBoundingClientRect();
      // visually hidden (sr-only: clipped away, whatever its padding) elements such as the skip link before it is focused
      const { clip, clipPath } = getComputedStyle(el);
      if (box.width <= 1 || box.height <= 1 || clipPath === "inset(50%)" || clip === "rect(0px, 0px, 0px, 0px)") continue;
      if (box.width >= 44 && box.height >= 44) continue;
      const cx = box.left + box.width / 2;
      const cy = box.top + box.height / 2;
      const labels = "labels" in el ? Array.from((el as HTMLInputElement).labels ?? []) : [];
      const probes = [-21, 0, 21].flatMap((dx) => [-21, 0, 21].map((dy) => [cx + dx, cy + dy] as const));
      const hitsAll = probes.every(([x, y]) => {
        const hit = document.elementFromPoint(x, y);
        return !!hit && (hit === el || el.contains(hit) || labels.some((label) => label.contains(hit)));
      });
      if (!hitsAll) small.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    window.scrollTo(0, startY);
    return small;
  });
}
