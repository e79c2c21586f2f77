import { describe, expect, it } from "vitest";
import { CATALOGUES, DOCUMENT_LANGUAGES, documentFormat, documentText } from ".";
import { en } from "./messages/en";

// Intl uses thin and no-break spaces ("1 – 31 Oct", "1.234,50 €"): compared as plain spaces
const plain = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");
const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the document message catalogue", () => {
  it("has a catalogue for every document language", () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...DOCUMENT_LANGUAGES].sort());
  });

  // the compiler checks this too, but vitest does not type-check: this is the guard that runs
  it.each(DOCUMENT_LANGUAGES.filter((l) => l !== "en"))("%s has every English key, no other, each with the same {params}", (language) => {
    const catalogue = CATALOGUES[language] as Record<string, string>;
    const missing = Object.keys(en).filter((key) => !(key in catalogue));
    const extra = Object.keys(catalogue).filter((key) => !(key in en));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    for (const [key, text] of Object.entries(en)) {
      expect(catalogue[key].trim(), `${language} ${key}`).not.toBe("");
      expect(params(catalogue[key]), `${language} ${key}`).toEqual(params(text));
    }
  });

  it("fills in params", () => {
    expect(documentText("de", "document.creditNoteFor", { number: "INV-1", date: "01.10.2026" })).toBe("Gutschrift zu INV-1 vom 01.10.2026");
    expect(documentText("fr", "document.invoice")).toBe("Facture");
  });
});

describe("documentFormat", () => {
  it("writes dates, periods, amounts and countries in the document's language (English ones British, not US)", () => {
    const en = documentFormat("en");
    expect(plain(en.date("2026-11-01"))).toBe("1 Nov 2026");
    expect(plain(en.period("2026-10-01", "2026-10-31"))).toBe("1 – 31 Oct 2026");
    expect(plain(en.period("2026-10-15", "2026-10-15"))).toBe("15 Oct 2026");
    expect(en.country("NL")).toBe("Netherlands");
    const de = documentFormat("de");
    expect(plain(de.date("2026-11-01"))).toBe("01.11.2026");
    expect(plain(de.period("2026-10-01", "2026-10-31"))).toBe("01.–31.10.2026");
    expect(plain(de.money("1234.5", "EUR"))).toBe("1.234,50 €");
    expect(de.rate("7.50")).toBe("7,5 %");
    expect(de.country("FR")).toBe("Frankreich");
    expect(plain(documentFormat("es").date("2026-11-01"))).toBe("1 nov 2026");
    expect(documentFormat("it").country("DE")).toBe("Germania");
    expect(documentFormat("nl").country("XK")).toBe("Kosovo");
    expect(documentFormat("fr").country("??")).toBe("??");
  });
});
