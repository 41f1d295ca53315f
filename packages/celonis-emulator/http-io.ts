// Reading requests and writing answers on node:http for the emulator: bodies with a size limit,
// replies with Celonis's content types (JSON, text/plain, or no body), thrown errors as answers.
import type * as http from "node:http";
import { ApiError } from "./api-error";
import { internalErrorReply, type Reply } from "./faults";

const MAX_BODY = 1024 * 1024;

/** An HTTP-level failure (too large, wrong method) answered with a plain-string body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // Past the limit the rest is read and dropped, so the 413 reaches the client (destroying the
      // socket would answer nothing while the log recorded a 413).
      if (size > MAX_BODY) reject(new HttpError(413, "Payload Too Large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A thrown error as an answer: ApiError and HttpError as they say, anything else a Celonis-style 500. */
export function errorReply(e: unknown): Reply {
  if (e instanceof ApiError) return { status: e.status, body: e.body };
  if (e instanceof HttpError) return { status: e.status, body: e.message };
  return internalErrorReply();
}

export function writeReply(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: string | undefined;
  if (reply.body !== undefined && reply.status !== 204) {
    const text = typeof reply.body === "string";
    headers["content-type"] = text ? "text/plain;charset=UTF-8" : "application/json";
    payload = text ? (reply.body as string) : JSON.stringify(reply.body);
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
