// The Celonis API client's surface in one import (no Pulumi in here), for tests and for anyone using
// the client on its own. The provider's own modules import the files they need directly.

export * from "./types";
export { CelonisClient, triggerCallName, triggerRequest } from "./client";
export type { CelonisClientOptions, WaitOptions, IdleOptions, ReadOptions } from "./client";
export type { TriggerConfirmation } from "./trigger";
export {
  CancelledError,
  CelonisError,
  TableResolutionError,
  TriggerError,
  redact,
  isLoadAlreadyRunning,
  isAlreadyRunningKey,
  errorFromResponse,
  formatCelonisMessage,
} from "./errors";
export type { CelonisErrorInit, UnknownTableRef, AmbiguousTableRef } from "./errors";
export { checkBaseUrl, isLoopbackHost } from "./http";
export type { RetryInfo } from "./http";
export { resolveTables, suggestTables, matchTable } from "./resolve";
export type { ResolveResult } from "./resolve";
export {
  isTerminal,
  matchesLoad,
  findLoadIn,
  nextPollDelayMs,
  expectedDurationMs,
  latestLoadFromInfo,
  SPARSE_POLL_CAP_MS,
  densePollMs,
} from "./status";
export { celonisOrder, findOurs, isCandidate } from "./ours";
export type { OursQuery, OursVerdict } from "./ours";
export { classifyFailure, retryDelayMs, DEFAULT_RETRY } from "./retry";
export { parseLoadRecord, parseLoadInfo, parseTables } from "./parse";
