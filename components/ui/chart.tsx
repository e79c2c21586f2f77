"use client";

import { createContext, useContext, useId } from "react";
import * as Recharts from "recharts";
import { cn } from "@/lib/utils";

/** Series key → label and colour (any CSS colour, usually var(--chart-N)). */
export type ChartConfig = Record<string, { label?: React.ReactNode; color?: string }>;

const ChartContext = createContext<{ config: ChartConfig } | null>(null);

function useChart() {
  const context = useContext(ChartContext);
  if (!context) throw new Error("useChart must be used within <ChartContainer>");
  return context;
}

/**
 * Responsive recharts wrapper: exposes each series colour as --color-<key> so chart elements can use
 * `fill="var(--color-net)"`, and themes recharts' grid/axis text with the app's tokens.
 */
export function ChartContainer({
  id,
  className,
  children,
  config,
  ...props
}: React.ComponentProps<"div"> & {
  config: ChartConfig;
  children: React.ComponentProps<typeof Recharts.ResponsiveContainer>["children"];
}) {
  const uniqueId = useId();
  const chartId = `chart-${id ?? uniqueId.replace(/:/g, "")}`;
  const colorVars = Object.fromEntries(
    Object.entries(config)
      .filter(([, item]) => item.color)
      .map(([key, item]) => [`--color-${key}`, item.color]),
  ) as React.CSSProperties;
  return (
    <ChartContext.Provider value={{ config }}>
      <div
        data-slot="chart"
        data-chart={chartId}
        style={colorVars}
        className={cn(
          "flex aspect-video justify-center text-xs",
          "[&_.recharts-cartesian-axis-tick_text]:fill-muted-foreground [&_.recharts-cartesian-grid_line[stroke='#ccc']]:stroke-border/60",
          "[&_.recharts-rectangle.recharts-tooltip-cursor]:fill-muted [&_.recharts-surface]:outline-hidden [&_.recharts-layer]:outline-hidden",
          className,
        )}
        {...props}
      >
        <Recharts.ResponsiveContainer>{children}</Recharts.ResponsiveContainer>
      </div>
    </ChartContext.Provider>
  );
}

export const ChartTooltip = Recharts.Tooltip;
export const ChartLegend = Recharts.Legend;

type TooltipPayloadItem = {
  dataKey?: string | number;
  name?: string | number;
  value?: unknown;
  color?: string;
  payload?: Record<string, unknown>;
};

export function ChartTooltipContent({
  active,
  payload,
  label,
  formatter,
  labelFormatter,
  hideLabel = false,
  nameKey,
  className,
}: {
  active?: boolean;
  payload?: readonly TooltipPayloadItem[];
  label?: React.ReactNode;
  formatter?: (value: unknown, key: string, item: TooltipPayloadItem) => React.ReactNode;
  labelFormatter?: (label: React.ReactNode) => React.ReactNode;
  hideLabel?: boolean;
  /** Pie charts: the data field naming each slice (the config key), instead of the value's dataKey. */
  nameKey?: string;
  className?: string;
}) {
  const { config } = useChart();
  if (!active || !payload?.length) return null;
  return (
    <div className={cn("grid min-w-32 gap-1.5 rounded-lg border bg-background px-2.5 py-1.5 text-xs shadow-xl", className)}>
      {!hideLabel && label !== undefined && <div className="font-medium">{labelFormatter ? labelFormatter(label) : label}</div>}
      {payload.map((item, index) => {
        const key = String((nameKey ? item.payload?.[nameKey] : undefined) ?? item.dataKey ?? item.name ?? index);
        const entry = config[key];
        return (
          <div key={key} className="flex items-center gap-2">
            <span className="size-2.5 shrink-0 rounded-[2px]" style={{ background: item.color ?? entry?.color }} />
            <span className="text-muted-foreground">{entry?.label ?? item.name}</span>
            <span className="ml-auto font-mono font-medium tabular-nums">
              {formatter ? formatter(item.value, key, item) : String(item.value ?? "")}
            </span>
          </div>
        );
      })}
    </div>
  );
}

export function ChartLegendContent({
  payload,
  nameKey,
  className,
}: {
  payload?: readonly { dataKey?: unknown; value?: unknown; color?: string; payload?: unknown }[];
  nameKey?: string;
  className?: string;
}) {
  const { config } = useChart();
  if (!payload?.length) return null;
  return (
    <div className={cn("flex flex-wrap items-center justify-center gap-4 pt-3", className)}>
      {payload.map((item) => {
        const slice = item.payload as Record<string, unknown> | undefined;
        const key = String((nameKey ? slice?.[nameKey] : undefined) ?? item.dataKey ?? item.value ?? "");
        return (
          <div key={key} className="flex items-center gap-1.5">
            <span className="size-2 shrink-0 rounded-[2px]" style={{ background: item.color }} />
            <span>{config[key]?.label ?? key}</span>
          </div>
        );
      })}
    </div>
  );
}
