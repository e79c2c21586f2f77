// The retry schedule of outgoing webhooks lives in lib/ (the settings page shows it too).
export * from "@/lib/webhook-retry-schedule";
