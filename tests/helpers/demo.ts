// Ids of the shipped demo seed (emulator/seed/demo.json), named once for every test layer.

export const DEMO = {
  pool: "d0000000-0000-4000-a000-000000000001",
  model: "d1000000-0000-4000-a000-000000000001",
  salesModel: "d1000000-0000-4000-a000-000000000002",
  financePool: "d0000000-0000-4000-a000-000000000002",
  apModel: "d1000000-0000-4000-a000-000000000003",
  apiKey: "test-api-key-7d1f0c9e",
} as const;
