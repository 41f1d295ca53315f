// Public entry of the emulator: `startEmulator()`, the clock tests drive it with, seeds, and the types
// of its options, wire records and request log. The CLI and the server use the modules directly.
export { startEmulator } from "./server";
export type { Emulator, EmulatorOptions, RequestLogEntry } from "./server";
export { ManualClock } from "./clock";
export type { Clock } from "./clock";
export { ApiError } from "./api-error";
export type { LoadBehaviour } from "./behaviour";
export type { FaultRule, FaultKind } from "./faults";
export { DEFAULT_CREDENTIALS } from "./auth";
export type { AuthKind, OAuthClient } from "./auth";
export { loadSeed, validateSeed, defaultSeedPath, SeedError } from "./seed";
export type { Seed, SeedPool, SeedModel, SeedTable, SeedColumn, SeedLoad } from "./seed";
export type * from "./wire";
