import { createRunInput, runIdInput, type CreateRunInput } from "@/lib/billing-inputs";

// The simulation page and its CSV take either ?run=<id of a NEW run> or ?input=<the new-run form's input as JSON>.

export type SimulationTarget = { run: string } | { input: CreateRunInput };

export function simulationTarget(params: { run?: string | null; input?: string | null }): SimulationTarget | null {
  if (params.run) {
    const parsed = runIdInput.safeParse({ id: params.run });
    return parsed.success ? { run: parsed.data.id } : null;
  }
  if (!params.input) return null;
  try {
    const parsed = createRunInput.safeParse(JSON.parse(params.input));
    return parsed.success ? { input: JSON.parse(params.input) as CreateRunInput } : null;
  } catch {
    return null;
  }
}

export const simulationQuery = (target: SimulationTarget) =>
  "run" in target ? `run=${encodeURIComponent(target.run)}` : `input=${encodeURIComponent(JSON.stringify(target.input))}`;
