// Errors a person can meet over HTTP: a code, a status, and a sentence that says what to do.
export const HttpErrors = {
  badBody: { status: 400, message: 'The request body must be JSON like {"title": "Weekly planning"}.' },
  badQuery: { status: 400, message: 'A query parameter is missing or invalid.' },
  unauthorized: { status: 401, message: 'This link is missing a valid token; ask the facilitator for a fresh link.' },
  forbidden: { status: 403, message: 'Your role cannot do this.' },
  notFound: { status: 404, message: 'There is no session with this id.' },
  nameTaken: { status: 409, message: 'Someone with this name is already here. Add an initial or your team so people can tell you apart.' },
  sessionFull: { status: 409, message: 'This session has reached its participant limit; ask the facilitator to start a new session.' },
  tooLarge: { status: 413, message: 'The request body is too large.' },
  tooManySessions: { status: 429, message: 'This server has created as many sessions as it may this hour; try again later.' },
  unsupportedType: { status: 415, message: 'Only PNG, JPEG, GIF and WebP images can be uploaded; convert the file to one of them.' },
  quotaExceeded: { status: 507, message: 'This session has stored all the images it may; ask whoever runs Sandbox to raise MAX_ASSET_BYTES_PER_SESSION.' },
  unavailable: { status: 503, message: 'Storage is failing; changes are kept in memory and retried.' },
  roomMoving: { status: 503, message: 'This session is moving to another server; try again in a few seconds.' },
} as const
export type HttpErrorCode = keyof typeof HttpErrors

export class HttpError extends Error {
  readonly code: HttpErrorCode
  readonly status: number
  constructor(code: HttpErrorCode, message?: string) {
    super(message ?? HttpErrors[code].message)
    this.code = code
    this.status = HttpErrors[code].status
  }
}

export const errorBody = (code: string, message: string) => ({ error: { code, message } })
