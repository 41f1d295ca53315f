// The errors the emulator's Celonis logic throws, as HTTP answers: state.ts and the routes throw
// them, the server writes them. Kept apart from HTTP plumbing so the state machine needs no server.
import type { FrontendError } from "./wire";

/** An API error the server turns into a response: string body = text/plain, object = JSON, undefined = none. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, unknown> | undefined,
  ) {
    super(typeof body === "string" ? body : body === undefined ? `HTTP ${status}` : JSON.stringify(body));
    this.name = "ApiError";
  }
}

/** The 400 Celonis answers for a refused request: `{frontendErrorKey, errorInformation}`. */
export function frontendError(key: string, info: Record<string, unknown> = {}): ApiError {
  const body: FrontendError = { frontendErrorKey: key, errorInformation: info };
  return new ApiError(400, { ...body });
}
