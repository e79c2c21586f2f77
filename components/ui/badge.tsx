import { cva, type VariantProps } from "class-variance-authority";
import { Slot } from "radix-ui";
import { cn } from "@/lib/utils";

export const badgeVariants = cva(
  "inline-flex w-fit shrink-0 items-center justify-center gap-1 overflow-hidden rounded-md border px-2 py-0.5 text-xs font-medium whitespace-nowrap [&>svg]:pointer-events-none [&>svg]:size-3",
  {
    variants: {
      variant: {
        default: "border-transparent bg-primary text-primary-foreground",
        secondary: "border-transparent bg-secondary text-secondary-foreground",
        outline: "text-foreground",
        // Status colours on their own tint, darkened (light) or lightened (dark) to a ≥ 4.5:1 contrast for small text.
        destructive:
          "border-transparent bg-destructive/12 text-[color-mix(in_oklch,var(--destructive)_70%,black)] dark:bg-destructive/20 dark:text-[color-mix(in_oklch,var(--destructive)_70%,white)]",
        success:
          "border-transparent bg-success/12 text-[color-mix(in_oklch,var(--success)_70%,black)] dark:bg-success/20 dark:text-[color-mix(in_oklch,var(--success)_70%,white)]",
        warning:
          "border-transparent bg-warning/15 text-[color-mix(in_oklch,var(--warning)_60%,black)] dark:bg-warning/20 dark:text-[color-mix(in_oklch,var(--warning)_70%,white)]",
        info: "border-transparent bg-info/12 text-[color-mix(in_oklch,var(--info)_70%,black)] dark:bg-info/20 dark:text-[color-mix(in_oklch,var(--info)_70%,white)]",
        muted: "border-transparent bg-muted text-muted-foreground",
      },
    },
    defaultVariants: { variant: "default" },
  },
);

export type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>["variant"]>;

export function Badge({
  className,
  variant,
  asChild = false,
  ...props
}: React.ComponentProps<"span"> & VariantProps<typeof badgeVariants> & { asChild?: boolean }) {
  const Comp = asChild ? Slot.Root : "span";
  return <Comp data-slot="badge" className={cn(badgeVariants({ variant }), className)} {...props} />;
}
