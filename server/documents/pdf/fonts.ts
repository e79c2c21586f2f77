import fs from "node:fs";
import { env } from "@/server/env";
import { log } from "@/server/log";
import path from "node:path";
import { Font } from "@react-pdf/renderer";
import { reuseEmbeddedFontsPerDocument } from "./pdfkit-font-reuse";

/**
 * PDF fonts. The built-in Helvetica has no glyphs beyond Latin-1 ("Łódź", "Ольга" would print as garbage),
 * so we embed TrueType fonts read from disk:
 *  - Geist (npm `geist`, a dependency of the app, so present after `npm install`): Latin + Cyrillic.
 *  - DejaVu Sans (Debian `fonts-dejavu-core`, optional): Greek and wider coverage, used by react-pdf as a
 *    per-glyph fallback when installed.
 * A font directory can be forced with PDF_FONT_DIR (expects Geist-Regular.ttf and Geist-Bold.ttf).
 */

export const PRIMARY_FAMILY = "Geist";
export const FALLBACK_FAMILY = "DejaVu Sans";

const DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu";

function findGeistDir(): string | null {
  const candidates = [
    env.PDF_FONT_DIR,
    path.join(process.cwd(), "node_modules/geist/dist/fonts/geist-sans"),
    path.join(process.cwd(), "../node_modules/geist/dist/fonts/geist-sans"),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((dir) => fs.existsSync(path.join(dir, "Geist-Regular.ttf"))) ?? null;
}

let registered: string[] | null = null;

/** Registers the fonts once; returns the font family list to use in styles (primary first). */
export function registerPdfFonts(): string[] {
  if (registered) return registered;
  reuseEmbeddedFontsPerDocument();
  const families: string[] = [];
  const geist = findGeistDir();
  if (geist) {
    Font.register({
      family: PRIMARY_FAMILY,
      fonts: [
        { src: path.join(geist, "Geist-Regular.ttf"), fontWeight: 400 },
        { src: path.join(geist, "Geist-Bold.ttf"), fontWeight: 700 },
      ],
    });
    families.push(PRIMARY_FAMILY);
  }
  if (fs.existsSync(path.join(DEJAVU_DIR, "DejaVuSans.ttf"))) {
    Font.register({
      family: FALLBACK_FAMILY,
      fonts: [
        { src: path.join(DEJAVU_DIR, "DejaVuSans.ttf"), fontWeight: 400 },
        { src: path.join(DEJAVU_DIR, "DejaVuSans-Bold.ttf"), fontWeight: 700 },
      ],
    });
    families.push(FALLBACK_FAMILY);
  }
  if (families.length === 0) {
    log.warn("no TrueType font found for PDFs (geist package missing?): falling back to Helvetica, Latin-1 only");
    families.push("Helvetica");
  }
  // Hyphenating invoice text (names, IBANs, descriptions) only hurts: break on spaces only.
  Font.registerHyphenationCallback((word) => [word]);
  registered = families;
  return families;
}

const LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
let primed: Promise<void> | null = null;

/**
 * fontkit caches each glyph, for the whole process, with the character it was first laid out for, and the PDF's text
 * layer (ToUnicode) takes it from there. Glyphs shared by Latin and Cyrillic or Greek letters (O / О / Ο, a / а …)
 * would extract as Cyrillic in every later PDF after one Cyrillic name: laying out the Latin alphabet first keeps them Latin.
 */
export function primePdfFonts(families: string[]): Promise<void> {
  primed ??= (async () => {
    for (const fontFamily of families.filter((f) => f !== "Helvetica")) {
      for (const fontWeight of [400, 700]) {
        await Font.load({ fontFamily, fontWeight });
        const data = Font.getFont({ fontFamily, fontWeight })?.data as { layout?: (text: string) => unknown } | null;
        data?.layout?.(LATIN);
      }
    }
  })();
  return primed;
}

