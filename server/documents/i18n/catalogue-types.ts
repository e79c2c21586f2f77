import type { en } from "./messages/en";

export type MessageKey = keyof typeof en;

/** A language's catalogue: every key of the English one (the compiler and catalogue.test.ts both check). */
export type Catalogue = { readonly [K in MessageKey]: string };

type ParamNames<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** The {params} a message takes, read from its English text: documentText("de", "document.number", { number }). */
export type MessageParams<K extends MessageKey> = Record<ParamNames<(typeof en)[K]>, string>;
