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

export interface Storage {
  createSession(row: SessionRow): Promise<void>
  getSession(id: string): Promise<SessionRow | null>
  /** Appends updates of any number of sessions in one transaction: all or none. */
  appendUpdates(updates: readonly UpdateToAppend[]): Promise<void>
  lastSeq(sessionId: string): Promise<number>
  /**
   * Stores a checkpoint (its state deflated, see rows.ts storedState) with the update bytes logged
   * up to its seq, and returns the bytes it occupies (what storedBytes counts for it).
   */
  writeCheckpoint(sessionId: string, checkpoint: Checkpoint): Promise<number>
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
   * A value every process of a deployment must share (the participant-key secret): the first call
   * stores `fresh`, every call returns what is stored. Only backends several processes share have
   * it; SQLite's processes keep such values in DATA_DIR.
   */
  sharedSetting?(name: string, fresh: Uint8Array): Promise<Uint8Array>
  /** Corrupt rows found while reading (logged as `storage.corrupt`, listed by /healthz). */
  readonly corruption: CorruptionReport
  /** Ok, or the error that makes the store unusable right now. */
  healthCheck(): Promise<void>
  close(): Promise<void>
}
