import { z } from "zod";

/** The languages documents (PDF, e-mail, XML notes) are written in. */
export const DOCUMENT_LANGUAGES = ["en", "de", "fr", "es", "it", "nl"] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];
export const DEFAULT_DOCUMENT_LANGUAGE: DocumentLanguage = "en";

export const documentLanguageSchema = z.enum(DOCUMENT_LANGUAGES, {
  error: () => `must be one of ${DOCUMENT_LANGUAGES.join(", ")}`,
});

export const isDocumentLanguage = (value: unknown): value is DocumentLanguage =>
  typeof value === "string" && (DOCUMENT_LANGUAGES as readonly string[]).includes(value);

/**
 * The Intl locale a language's documents are formatted in: English documents use British conventions ("1 October
 * 2026", not the US "October 1, 2026"), the others their main European country's.
 */
export const INTL_LOCALE: Record<DocumentLanguage, string> = {
  en: "en-GB",
  de: "de-DE",
  fr: "fr-FR",
  es: "es-ES",
  it: "it-IT",
  nl: "nl-NL",
};
