// The public surface of the Celonis API client (no Pulumi in here): the provider imports from this
// file only, so the modules behind it can be rearranged freely.

export * from "./types";
export { CelonisClient, triggerCallName, triggerRequest } from "./client";
export type { CelonisClientOptions, TriggerResult, WaitOptions, IdleOptions } from "./client";
export {
  CelonisError,
  TableResolutionError,
  redact,
  isLoadAlreadyRunning,
  isAlreadyRunningKey,
  errorFromResponse,
  formatCelonisMessage,
} from "./errors";
export type { CelonisErrorInit, UnknownTableRef, AmbiguousTableRef } from "./errors";
export { checkBaseUrl, isLoopbackHost } from "./http";
export type { RetryInfo } from "./http";
export { resolveTables, findDuplicates, suggestTables, matchTable } from "./resolve";
export type { ResolveResult, DuplicateTable } from "./resolve";
export {
  isTerminal,
  isSuccess,
  isOurLoad,
  nextPollDelayMs,
  expectedDurationMs,
  latestLoadFromInfo,
  MAX_POLL_DELAY_MS,
} from "./status";
export { classifyFailure, retryDelayMs, DEFAULT_RETRY } from "./retry";
export { parseLoadRecord, parseLoadInfo, parseTables } from "./parse";
