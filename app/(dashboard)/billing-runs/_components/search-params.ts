import {
  createSearchParamsCache,
  parseAsArrayOf,
  parseAsInteger,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
import { RUN_SORTS, RUN_STATUSES, RUN_TYPES } from "@/lib/billing-values";

// URL state of the billing-runs list, shared by the server page (prefetch) and the client table.

export { RUN_SORTS, RUN_STATUSES, RUN_TYPES };
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunType = (typeof RUN_TYPES)[number];
export type RunSort = (typeof RUN_SORTS)[number];

export const runsSearchParsers = {
  page: parseAsInteger.withDefault(1),
  pageSize: parseAsInteger.withDefault(20),
  sort: parseAsStringLiteral(RUN_SORTS).withDefault("number"),
  direction: parseAsStringLiteral(["asc", "desc"] as const).withDefault("desc"),
  status: parseAsArrayOf(parseAsStringLiteral(RUN_STATUSES)).withDefault([]),
  type: parseAsArrayOf(parseAsStringLiteral(RUN_TYPES)).withDefault([]),
  cycle: parseAsString.withDefault(""),
  from: parseAsString.withDefault(""),
  to: parseAsString.withDefault(""),
};

export const runsSearchCache = createSearchParamsCache(runsSearchParsers);

export type RunsSearch = {
  page: number;
  pageSize: number;
  sort: RunSort;
  direction: "asc" | "desc";
  status: RunStatus[];
  type: RunType[];
  cycle: string;
  from: string;
  to: string;
};

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** URL state → billingRuns.list input; empty filters are left out so server and client build the same query key. */
export function toRunListInput(search: RunsSearch) {
  return {
    page: Math.max(1, search.page),
    pageSize: Math.min(200, Math.max(1, search.pageSize)),
    sort: search.sort,
    direction: search.direction,
    ...(search.status.length ? { status: search.status } : {}),
    ...(search.type.length ? { type: search.type } : {}),
    ...(uuid.test(search.cycle) ? { billingCycleId: search.cycle } : {}),
    ...(isoDate.test(search.from) ? { invoiceDateFrom: search.from } : {}),
    ...(isoDate.test(search.to) ? { invoiceDateTo: search.to } : {}),
  };
}
