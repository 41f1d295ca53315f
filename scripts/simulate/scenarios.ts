// Scripted histories kept as regression tests beside the seeded ones.
export const SCENARIOS: Record<string, (o: import("./history").SimOptions) => Promise<import("./history").HistoryResult>> = {};
