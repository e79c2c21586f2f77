import { Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="grid grid-cols-1 gap-4 sm:gap-6" aria-busy aria-label="Loading">
      <div className="flex items-end justify-between gap-3">
        <div className="grid grid-cols-1 gap-2">
          <Skeleton className="h-7 w-40" />
          <Skeleton className="h-4 w-72 max-w-full" />
        </div>
        <Skeleton className="h-9 w-40" />
      </div>
      <Skeleton className="h-8 w-full max-w-lg" />
      <Skeleton className="h-80 w-full rounded-lg" />
    </div>
  );
}
