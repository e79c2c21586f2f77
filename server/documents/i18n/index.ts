// The documents' languages, message catalogue and formatting (one entry point for PDF, e-mail and XML notes).
export { documentText, CATALOGUES, type MessageKey, type MessageParams } from "./catalogue";
export { documentFormat, type DocumentFormat } from "./format";
export {
  DEFAULT_DOCUMENT_LANGUAGE,
  DOCUMENT_LANGUAGES,
  INTL_LOCALE,
  documentLanguageSchema,
  isDocumentLanguage,
  type DocumentLanguage,
} from "./languages";
