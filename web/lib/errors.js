// The error codes of docs/protocol.md, section 7: one table for ERROR and GOODBYE frames.

/** Code -> stable upper-case name. */
export const ErrorCode = Object.freeze({
  LOGIN_FAILED: 1000,
  PERMISSION_DENIED: 1001,
  DUPLICATE_LOGIN: 1002,
  RECIPIENT_UNAVAILABLE: 1003,
  SESSION_REPLACED: 1004,
  DELIVERY_FAILED: 1005,
  BACKEND_UNAVAILABLE: 2000,
  BAD_FRAME: 3000,
  UNKNOWN_TYPE: 3001,
  FRAME_TOO_LARGE: 3002,
  BAD_BODY: 3003,
  RATE_LIMITED: 4000,
  HANDSHAKE_TIMEOUT: 5000,
  IDLE_TIMEOUT: 5001,
  SLOW_CONSUMER: 5002,
  SERVER_SHUTDOWN: 5003,
  INTERNAL: 9000,
});

const names = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** The name of `code` ("RECIPIENT_UNAVAILABLE"), or "UNKNOWN" for a code not in the table. */
export function errorName(code) {
  return names.get(code) ?? 'UNKNOWN';
}

/**
 * An ERROR from the server, or a request the client itself could not get answered (then code
 * 2000 BACKEND_UNAVAILABLE and a message starting "not sent:" or "no answer:", `local` true).
 */
export class ParleyError extends Error {
  constructor({ code, msg = '', data = '', refId = 0n, refType = 0, local = false }) {
    super(`${code} ${errorName(code)}: ${msg}${data ? ` (${data})` : ''}`);
    this.name = 'ParleyError';
    this.code = code;
    this.codeName = errorName(code);
    this.msg = msg;
    this.data = data;
    this.refId = refId;
    this.refType = refType;
    this.local = local;
  }
}
