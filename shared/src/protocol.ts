// Wire constants shared by the server, the client and the tests: message numbers of the
// y-websocket protocol plus Sandbox's opt-in extensions, close codes, and URL parameters.

/** First varint of every websocket frame. 0–3 are y-websocket's; 100+ are Sandbox's and are only
 * sent to connections that opted in (`ack=1`), because stock providers log unknown types. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** server → client: a state vector of what is durably stored, for the client's own client ids. */
  saved: 100,
  /**
   * both ways: one JSON message of the private channel (`privateChannel.ts`): a person's private
   * stickies and hidden ballot, which the server keeps out of the shared document and sends to
   * that person's own connections only.
   */
  private: 101,
} as const
export type MessageTypeName = keyof typeof MessageType

/** Websocket close codes (4000–4999 are the application's). Each has a sentence a person can act on. */
export const CloseCode = {
  malformed: 4400,
  unauthorized: 4401,
  updateRefused: 4402,
  /** Too many refused changes from one connection. */
  tooManyRefusals: 4422,
  /** More new board items than a connection may add at once (a flood, or a paste too large). */
  tooManyNewRecords: 4423,
  /** The client was built for another board schema or protocol version than the server's. */
  versionMismatch: 4426,
  forbiddenOrigin: 4403,
  notFound: 4404,
  slowClient: 4408,
  roomFull: 4409,
  /** The room holds as many viewers as it may (viewers have their own cap, apart from participants). */
  viewersFull: 4410,
  messageTooLarge: 4413,
  rateLimited: 4429,
  documentTooLarge: 4507,
  /** The session's stored history reached its quota (MAX_SESSION_STORAGE_BYTES). */
  storageQuota: 4508,
  shuttingDown: 4503,
  /** The room is now served by another process of the deployment (failover): reconnect. */
  roomMoved: 4513,
  /** Changes cannot be saved right now (the database is away): reconnect and send them again later. */
  savingPaused: 4514,
} as const
export type CloseCodeName = keyof typeof CloseCode

export const CLOSE_REASONS: Record<CloseCodeName, string> = {
  malformed: 'The message could not be read; reload the page.',
  unauthorized: 'This link is missing a valid token; ask the facilitator for a fresh link.',
  updateRefused: 'That change is not allowed for your role.',
  tooManyRefusals: 'Too many changes were refused; reload the page.',
  tooManyNewRecords: 'Too many new items at once; wait a moment and add fewer at a time.',
  versionMismatch: 'Sandbox was updated — reload this page.',
  forbiddenOrigin: 'This page is not allowed to connect to this server.',
  notFound: 'There is no session with this id.',
  slowClient: 'Your connection fell too far behind; reconnecting.',
  roomFull: 'This session has reached its participant limit.',
  viewersFull: 'This session has as many viewers as it can take; try again later, or ask the facilitator for a participant link.',
  messageTooLarge: 'A change was too large to send.',
  rateLimited: 'Too many messages too fast; reconnecting.',
  documentTooLarge: 'This board has reached its size limit.',
  storageQuota: 'This session has used all the storage it may; export its action items and start a follow-up session.',
  shuttingDown: 'The server is restarting; reconnecting.',
  roomMoved: 'This session moved to another server; reconnecting.',
  savingPaused: 'Changes cannot be saved right now; reconnecting to send them again.',
}

/** Close codes after which reconnecting with the same link cannot succeed. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.versionMismatch,
  CloseCode.unauthorized,
  CloseCode.forbiddenOrigin,
  CloseCode.notFound,
])

export const closeReasonFor = (code: number): string | undefined => {
  for (const [name, value] of Object.entries(CloseCode)) {
    if (value === code) return CLOSE_REASONS[name as CloseCodeName]
  }
  return undefined
}

/** Bumped when the meaning of the document or the messages changes incompatibly. */
export const PROTOCOL_VERSION = 1

/** Query parameters of `/sync/<id>`. */
export const SyncParam = {
  token: 'token',
  participantId: 'pid',
  participantKey: 'pkey',
  /** `1` to receive Sandbox's own message types (`saved` acknowledgements, the private channel). */
  ack: 'ack',
  /** The tldraw schema fingerprint the client was built with (`schemaHash` in shared/board). */
  schema: 'schema',
  /** Sandbox's own protocol version (PROTOCOL_VERSION). */
  protocol: 'v',
} as const

export const SYNC_PATH = '/sync'
