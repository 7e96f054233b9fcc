// What the rooms need from storage. Rooms hold a Storage; they never open a database themselves,
// so tests and other backends can pass their own. Every call returns a Promise: SQLite
// (SqliteStorage, the embedded default) answers at once, PostgreSQL (PostgresStorage) over the
// network; the group commit in Persister keeps writes few on both.
import type { CorruptionReport } from './CorruptionReport.ts'

export interface SessionRow {
  id: string
  title: string
  createdAt: number
  /** SHA-256 (hex) of each role token; tokens themselves are never stored. */
  tokenHashes: { participant: string; facilitator: string; viewer: string }
}

export interface UpdateToAppend {
  sessionId: string
  seq: number
  at: number
  participantId: string | null
  update: Uint8Array
  /**
   * The room lease under which this update was numbered (PostgreSQL deployments): the database
   * refuses it unless that lease is still the session's current one, so a process that lost the
   * room can never write into its log. Absent: not fenced (the embedded SQLite, a new session's seed).
   */
  epoch?: number
}

/** Sessions whose updates the database refused because their lease moved on (see UpdateToAppend.epoch). */
export interface AppendOutcome {
  fenced: readonly string[]
}

/** A write refused because the room's lease is no longer the writer's. */
export class FencedError extends Error {
  readonly sessionId: string
  constructor(sessionId: string) {
    super(`The room ${sessionId} is now held by another process; this process's write was refused.`)
    this.name = 'FencedError'
    this.sessionId = sessionId
  }
}

/** A process of a deployment, as other processes reach it. */
export interface LeaseHolder {
  /** Random per process start. */
  processId: string
  /** INTERNAL_URL: where other processes relay this room's sockets and requests. */
  url: string
}

/** The right to be a room's one authority until `expiresAt` (database time), numbered by `epoch`. */
export interface Lease {
  sessionId: string
  epoch: number
}

/**
 * Room ownership across processes sharing one database (PostgreSQL). At most one process holds a
 * session's lease at a time; each claim that changes hands raises the epoch, and every fenced
 * write (UpdateToAppend.epoch, writeCheckpoint's epoch) is refused by the database once the epoch moved on.
 */
export interface LeaseStore {
  /**
   * Takes the session's lease when it is free, expired, or held at `holder.url` (by this process,
   * or a predecessor that died on this address: the address is ours now). Otherwise says who holds it.
   */
  claim(sessionId: string, holder: LeaseHolder, ttlMs: number): Promise<Lease | { heldBy: LeaseHolder; expiresInMs: number }>
  /** Extends the given leases; returns the sessions still held by `processId` at the same epoch. */
  renew(processId: string, leases: readonly Lease[], ttlMs: number): Promise<Set<string>>
  /** Lets the lease go at once (unload, shutdown): the next claim, anywhere, succeeds. */
  release(processId: string, lease: Lease): Promise<void>
}

/**
 * What a row's stored checksum says about the bytes read back: `verified` (they match),
 * `mismatch` (corrupt), or `unverified` (written before checksums existed, or a backend without them).
 */
export type Integrity = 'verified' | 'unverified' | 'mismatch'

export interface LoggedUpdate {
  seq: number
  at: number
  participantId: string | null
  update: Uint8Array
  /** Set on rows read back; absent means `unverified`. */
  integrity?: Integrity
}

export interface Checkpoint {
  /** The state includes every update with `seq <= this.seq`. */
  seq: number
  /** Server time of the last update folded into the state. */
  at: number
  state: Uint8Array
  /** Set on checkpoints read back; absent means `unverified`. */
  integrity?: Integrity
  /** Set on checkpoints read back: the bytes it occupies in storage (deflated), not the state's length. */
  storedBytes?: number
}

/** One stored checkpoint as thinning sees it (not its state). */
export interface CheckpointInfo {
  seq: number
  /** Bytes it occupies in storage. */
  storedBytes: number
  /** Update bytes logged with seq ≤ this checkpoint's seq. */
  logBytes: number
}

export interface PageLimits {
  /** At most this many rows. */
  maxUpdates: number
  /** Stop before the row that would take the page's update bytes past this (the first row always comes). */
  maxBytes: number
  /** Only rows with `seq <= untilSeq`. */
  untilSeq?: number
}

/** What the server keeps out of the shared document until a reveal. */
export type SecretKind = 'sticky' | 'ballot'

/** One owner's item: a private sticky (`itemId` = record id, `value` = its JSON) or a hidden ballot (`itemId` = '', `value` = its JSON). */
export interface Secret {
  ownerId: string
  itemId: string
  value: string
}

/** Where a session sits in a series of follow-ups (the series' id is its first session's). */
export interface SeriesLink {
  sessionId: string
  seriesId: string
  /** The session this one follows up; null for the first of the series. */
  previousId: string | null
  /** 1 for the first session. */
  position: number
}

export interface SeriesEntry extends SeriesLink {
  title: string
  createdAt: number
}

/** A session's chat settings: its own webhook URLs (null: the server-wide one) and the updates it posts (JSON). */
export interface ChatSettingsRow {
  slackUrl: string | null
  teamsUrl: string | null
  updates: string
}

/** One post to a chat channel and where it stands (`status`: a ChatDelivery as JSON). */
export interface ChatDeliveryRow {
  key: string
  channel: string
  status: string
  updatedAt: number
}

// ---- Timeline summaries (schema version 8; storage/timelineSummaries.ts) ----
/** A session's replay timeline as built up to `seq` of its log, encoded by replay/timelineSummary.ts. */
export interface TimelineSummaryRow {
  /** The last seq of the log it covers. */
  seq: number
  /** The encoding's version: readers pass over versions they do not know. */
  version: number
  data: Uint8Array
  /** Set on summaries read back; absent means `unverified`. */
  integrity?: Integrity
}
// ---- end of timeline summaries ----

export interface Storage {
  createSession(row: SessionRow): Promise<void>
  getSession(id: string): Promise<SessionRow | null>
  /**
   * Appends updates of any number of sessions in one transaction: all or none, except that updates
   * whose lease epoch is stale are left out and their sessions named in the outcome.
   */
  appendUpdates(updates: readonly UpdateToAppend[]): Promise<AppendOutcome | void>
  lastSeq(sessionId: string): Promise<number>
  /**
   * Stores a checkpoint (its state deflated, see rows.ts storedState) with the update bytes logged
   * up to its seq, and returns the bytes it occupies (what storedBytes counts for it). With
   * `epoch`, refused (FencedError) unless that lease is still the session's current one.
   */
  writeCheckpoint(sessionId: string, checkpoint: Checkpoint, epoch?: number): Promise<number>
  /**
   * Deletes the checkpoints `choose` names, never the newest, in one transaction; returns the bytes
   * freed. `choose` sees every checkpoint of the session in seq order (rooms/checkpointPolicy.ts
   * checkpointsToThin decides). Replay and loading only ever ask for "the newest at or before", so
   * a deleted checkpoint means a longer tail to apply from an older one, never a wrong document.
   */
  thinCheckpoints(sessionId: string, choose: (checkpoints: readonly CheckpointInfo[]) => readonly number[]): Promise<number>
  /** The newest checkpoint, or the newest one whose `at` is at or before `atOrBefore`. */
  latestCheckpoint(sessionId: string, atOrBefore?: number): Promise<Checkpoint | null>
  /** The newest checkpoint whose `seq` is at or before `seq` (replay seeks by log position). */
  checkpointAtOrBeforeSeq(sessionId: string, seq: number): Promise<Checkpoint | null>
  /** The seq of the last update logged at or before `at` (0 if none): the log prefix at that moment. */
  seqAt(sessionId: string, at: number): Promise<number>
  /** Updates with `seq > afterSeq`, in order, optionally only those with `at <= untilAt`. */
  updatesAfter(sessionId: string, afterSeq: number, untilAt?: number, limit?: number): Promise<LoggedUpdate[]>
  /**
   * One page of the log after `afterSeq`, in order, bounded by rows and by bytes. Reads the rows
   * one by one, so memory stays at one page however long the log is.
   */
  updatesPage(sessionId: string, afterSeq: number, limits: PageLimits): Promise<LoggedUpdate[]>
  /** First and last update times, and the number of updates. */
  historyBounds(sessionId: string): Promise<{ first: number; last: number; count: number } | null>
  /** Bytes of this session's log rows and stored checkpoints, for a storage quota. */
  storedBytes(sessionId: string): Promise<number>
  /** Writes one owner's item, replacing what was stored under the same key. */
  putSecret(sessionId: string, kind: SecretKind, ownerId: string, itemId: string, value: string): Promise<void>
  deleteSecret(sessionId: string, kind: SecretKind, ownerId: string, itemId: string): Promise<void>
  secrets(sessionId: string, kind: SecretKind): Promise<Secret[]>
  deleteSecrets(sessionId: string, kind: SecretKind): Promise<void>
  /**
   * Links `sessionId` as the follow-up of `previousId`, in one transaction: the previous session
   * becomes the first of a series when it was in none. A session has at most one follow-up (a
   * second link after the same session is refused by the database).
   */
  linkFollowUp(sessionId: string, previousId: string): Promise<SeriesLink>
  seriesLink(sessionId: string): Promise<SeriesLink | null>
  /** The session linked as `sessionId`'s follow-up, if any. */
  followUpOf(sessionId: string): Promise<string | null>
  /** Every session of a series, first to last, with its title and creation time. */
  seriesSessions(seriesId: string): Promise<SeriesEntry[]>
  /**
   * A value every process of a deployment must share (the participant-key secret): the first call
   * stores `fresh`, every call returns what is stored. Only backends several processes share have
   * it; SQLite's processes keep such values in DATA_DIR.
   */
  sharedSetting?(name: string, fresh: Uint8Array): Promise<Uint8Array>
  /** Room leases, on backends several processes share (PostgreSQL). Without it the process owns every room. */
  readonly leases?: LeaseStore
  /**
   * Whether a failed write may succeed if retried as is (the database away, a lock, a full disk),
   * as opposed to one that will fail every time (a constraint, bad data). Unknown errors count as transient.
   */
  isTransient?(error: unknown): boolean
  chatSettings(sessionId: string): Promise<ChatSettingsRow | null>
  putChatSettings(sessionId: string, row: ChatSettingsRow, at: number): Promise<void>
  /**
   * Records a post unless one with this key and channel is recorded already: true when this call
   * recorded it, and so should send it (processes sharing a database post an update once).
   */
  claimChatDelivery(sessionId: string, key: string, channel: string, status: string, at: number): Promise<boolean>
  putChatDelivery(sessionId: string, key: string, channel: string, status: string, at: number): Promise<void>
  /** The newest `limit` posts, newest first. */
  chatDeliveries(sessionId: string, limit: number): Promise<ChatDeliveryRow[]>
  // ---- Timeline summaries (schema version 8) ----
  /** The session's stored timeline summary, or null. */
  timelineSummary(sessionId: string): Promise<TimelineSummaryRow | null>
  /**
   * Stores a timeline summary when it covers as much of the log or more (seq) than the stored one
   * of the same `version`, or has a higher version (a lower one never replaces it): true when this
   * one was stored. Never fenced: a summary is a function of the log prefix it covers, so any
   * process may write it, and it never goes back.
   */
  putTimelineSummary(sessionId: string, summary: TimelineSummaryRow): Promise<boolean>
  // ---- end of timeline summaries ----
  /** Corrupt rows found while reading (logged as `storage.corrupt`, listed by /healthz). */
  readonly corruption: CorruptionReport
  /** Ok, or the error that makes the store unusable right now. */
  healthCheck(): Promise<void>
  close(): Promise<void>
}
