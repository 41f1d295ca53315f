// Public entry of the emulator: `startEmulator()` and the types tests, examples and the CLI use.
// Import from here (or the package's "emulator" build) rather than from the individual modules.
export { startEmulator } from "./server";
export type { Emulator, EmulatorOptions, RequestLogEntry } from "./server";
export { ManualClock, systemClock } from "./clock";
export type { Clock } from "./clock";
export { EmulatorState } from "./state";
export { ApiError } from "./errors";
export { validateBehaviour } from "./behaviour";
export type { LoadBehaviour } from "./behaviour";
export type { LoadSpec } from "./loads";
export { validateFaultRule, describeFault } from "./faults";
export type { FaultRule, FaultKind, Reply } from "./faults";
export { DEFAULT_CREDENTIALS, DATA_POOLS_SCOPE, KNOWN_SCOPES } from "./auth";
export type { AuthKind, OAuthClient } from "./auth";
export { loadSeed, validateSeed, defaultSeedPath, SeedError } from "./seed";
export type { Seed, SeedPool, SeedModel, SeedTable, SeedColumn, SeedLoad } from "./seed";
export { LOAD_OUTCOMES, LOAD_STATUSES, LOAD_TYPES } from "./wire";
export type * from "./wire";
