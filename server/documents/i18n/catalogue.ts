import type { Catalogue, MessageKey, MessageParams } from "./catalogue-types";
import type { DocumentLanguage } from "./languages";
import { de } from "./messages/de";
import { en } from "./messages/en";
import { es } from "./messages/es";
import { fr } from "./messages/fr";
import { it } from "./messages/it";
import { nl } from "./messages/nl";

/** The one message catalogue of the documents (PDF, invoice e-mail, XML notes), one module per language. */
export const CATALOGUES: Record<DocumentLanguage, Catalogue> = { en, de, fr, es, it, nl };

type ParamArgs<K extends MessageKey> = keyof MessageParams<K> extends never ? [] : [params: MessageParams<K>];

/**
 * A document text in a language, its {params} filled in: documentText("fr", "document.creditNoteFor", { number, date }).
 * Params are plain strings: format amounts and dates first (documentFormat in ./format.ts).
 */
export function documentText<K extends MessageKey>(language: DocumentLanguage, key: K, ...args: ParamArgs<K>): string {
  const template = CATALOGUES[language][key];
  const params = args[0] as Record<string, string> | undefined;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

export type { MessageKey, MessageParams };
