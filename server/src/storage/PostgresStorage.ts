// Storage on PostgreSQL, selected by DATABASE_URL: the same tables and meaning as SqliteStorage
// (sessions, the update log with its packed ranges, deflated and thinned checkpoints, secrets), plus what every process of a
// deployment must share: `settings` (the participant-key and relay secrets), room leases
// (PostgresLeases) and uploaded images (PostgresAssetStore). Rows carry the same CRC-32 as
// SQLite's, so a row changed behind the server's back reads as `mismatch` on both backends.
//
// Driver: `postgres` (postgres.js). It has no dependencies, pools by itself, sends parameters with
// the extended protocol (no string building), maps bytea to Buffer both ways, and has LISTEN/NOTIFY
// if the processes ever need to signal each other, without a second client library.
import zlib from 'node:zlib'
import postgres from 'postgres'
import type { Logger } from '../log.ts'
import { CorruptionReport } from './CorruptionReport.ts'
import { FencedError, type AppendOutcome, type ChatDeliveryRow, type ChatSettingsRow, type Checkpoint, type CheckpointInfo, type LoggedUpdate, type PageLimits, type Secret, type SecretKind, type SeriesEntry, type SeriesLink, type SessionRow, type Storage, type TimelineSummaryRow, type UpdateToAppend } from './Storage.ts'
import { PostgresLeases } from './PostgresLeases.ts'
import { PostgresAssetStore } from './PostgresAssetStore.ts'
import { migrate } from './postgresMigrations.ts'
import { PostgresTimelineSummaries } from './timelineSummaries.ts'
import { storedState, toCheckpoint, toLink, toSession, type SessionDbRow, type CheckpointRow, type LinkRow } from './rows.ts'
import { DuplicateSeqError } from './packs.ts'
import * as log from './postgresLog.ts'
import type { Sql, Tx } from './postgresLog.ts'

export interface PostgresOptions {
  /** Where corrupt rows are reported (`storage.corrupt`). */
  log?: Logger
  /** Connections in the pool (default 10). */
  maxConnections?: number
}


const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)


/** Rows per INSERT when appending (PostgreSQL takes at most 65,535 parameters per statement; 7 a row). */
const INSERT_CHUNK_ROWS = 5_000

export class PostgresStorage implements Storage {
  readonly corruption: CorruptionReport
  readonly leases: PostgresLeases
  /** Uploaded images, in the same database (every process serves every session's images). */
  readonly assets: PostgresAssetStore
  private readonly sql: Sql
  private readonly summaries: PostgresTimelineSummaries
  private readonly vacuum: log.LogVacuum

  private constructor(sql: Sql, options: PostgresOptions) {
    this.sql = sql
    this.vacuum = new log.LogVacuum(sql)
    this.summaries = new PostgresTimelineSummaries(sql)
    this.leases = new PostgresLeases(sql)
    this.assets = new PostgresAssetStore(sql)
    this.corruption = new CorruptionReport(options.log)
  }

  /** Connects and runs the migrations this database has not had yet (safe when processes start together). */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    const sql = connect(url, options.maxConnections ?? 10)
    try {
      await migrate(sql)
    } catch (error) {
      await sql.end({ timeout: 1 })
      const reason = (error as Error).message
      throw new Error(
        `Cannot open the PostgreSQL database at ${withoutPassword(url)} (${reason}). Check DATABASE_URL, that the server accepts connections from here, and that the user may create tables in that database.`,
        { cause: error },
      )
    }
    return new PostgresStorage(sql, options)
  }

  async createSession(row: SessionRow): Promise<void> {
    const t = row.tokenHashes
    await this.sql`
      INSERT INTO sessions (id, title, created_at, participant_token_hash, facilitator_token_hash, viewer_token_hash)
      VALUES (${row.id}, ${row.title}, ${row.createdAt}, ${t.participant}, ${t.facilitator}, ${t.viewer})`
  }

  async getSession(id: string): Promise<SessionRow | null> {
    const [r] = await this.sql<SessionDbRow[]>`SELECT * FROM sessions WHERE id = ${id}`
    return r ? toSession(r) : null
  }

  async appendUpdates(updates: readonly UpdateToAppend[]): Promise<AppendOutcome | void> {
    if (updates.length === 0) return
    const fencedSessions = [...new Set(updates.flatMap((u) => (u.epoch === undefined ? [] : [u.sessionId])))]
    return this.sql.begin(async (tx) => {
      // FOR SHARE: a claim (which updates the lease row) waits for this transaction, so the new
      // owner loads the log with these rows in it, or these rows are refused. Never a lost middle.
      const current = new Map<string, number>()
      if (fencedSessions.length > 0) {
        const leases = await tx<{ session_id: string; epoch: number }[]>`
          SELECT session_id, epoch FROM room_owners WHERE session_id = ANY(${fencedSessions}::text[]) FOR SHARE`
        for (const l of leases) current.set(l.session_id, l.epoch)
      }
      const stale = new Set<string>()
      const rows = updates.flatMap((u) => {
        if (u.epoch !== undefined && current.get(u.sessionId) !== u.epoch) {
          stale.add(u.sessionId)
          return []
        }
        return [toRow(u)]
      })
      await log.refuseTakenSeqs(tx, rows)
      for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) await tx`INSERT INTO updates ${tx(rows.slice(i, i + INSERT_CHUNK_ROWS))}`
      return { fenced: [...stale] }
    })
  }

  lastSeq(sessionId: string): Promise<number> {
    return log.lastSeq(this.sql, sessionId)
  }

  async writeCheckpoint(sessionId: string, cp: Checkpoint, epoch?: number): Promise<number> {
    const { bytes, deflated } = await storedState(cp.state)
    let packed = 0
    // One transaction: the checkpoint, and the rows it covers packed. With an epoch, both under the
    // fence: a process that lost the room can neither write a checkpoint nor rewrite the log.
    await this.sql.begin(async (tx) => {
      if (epoch !== undefined) {
        const [lease] = await tx<{ epoch: number }[]>`SELECT epoch FROM room_owners WHERE session_id = ${sessionId} FOR SHARE`
        if (lease?.epoch !== epoch) throw new FencedError(sessionId)
      }
      // Its log bytes: the nearest earlier checkpoint's, plus the log between the two (one range
      // of the log, not the whole of it).
      const [before] = await tx<{ seq: number; log_bytes: number }[]>`
        SELECT seq, log_bytes FROM checkpoints WHERE session_id = ${sessionId} AND seq < ${cp.seq} AND log_bytes IS NOT NULL ORDER BY seq DESC LIMIT 1`
      const logBytes = (before?.log_bytes ?? 0) + (await log.logBytesBetween(tx, sessionId, before?.seq ?? 0, cp.seq))
      await tx`
        INSERT INTO checkpoints (session_id, seq, at, state, checksum, size_bytes, deflated, log_bytes)
        VALUES (${sessionId}, ${cp.seq}, ${cp.at}, ${bytes}, ${zlib.crc32(bytes)}, ${bytes.length}, ${deflated}, ${logBytes})
        ON CONFLICT (session_id, seq) DO UPDATE SET at = EXCLUDED.at, state = EXCLUDED.state, checksum = EXCLUDED.checksum,
          size_bytes = EXCLUDED.size_bytes, deflated = EXCLUDED.deflated, log_bytes = EXCLUDED.log_bytes`
      packed = await log.packUpTo(tx, sessionId, cp.seq)
    })
    if (packed > 0) this.vacuum.noteRowsPacked(packed)
    return bytes.length
  }

  async thinCheckpoints(sessionId: string, choose: (checkpoints: readonly CheckpointInfo[]) => readonly number[]): Promise<number> {
    return this.sql.begin(async (tx) => {
      // Locks the session's checkpoints: two processes thinning at once do not both count a row.
      const rows = await tx<{ seq: number; size_bytes: number; log_bytes: number | null }[]>`
        SELECT seq, size_bytes, log_bytes FROM checkpoints WHERE session_id = ${sessionId} ORDER BY seq FOR UPDATE`
      const infos: CheckpointInfo[] = []
      for (const r of rows) {
        let logBytes = r.log_bytes
        if (logBytes === null) {
          // Stored before log bytes were: computed once, oldest first, and kept.
          const prev = infos.at(-1)
          logBytes = (prev?.logBytes ?? 0) + (await log.logBytesBetween(tx, sessionId, prev?.seq ?? 0, r.seq))
          await tx`UPDATE checkpoints SET log_bytes = ${logBytes} WHERE session_id = ${sessionId} AND seq = ${r.seq}`
        }
        infos.push({ seq: r.seq, storedBytes: r.size_bytes, logBytes })
      }
      const newest = infos.at(-1)?.seq
      const doomed = choose(infos).filter((seq) => seq !== newest)
      if (doomed.length === 0) return 0
      const deleted = await tx<{ size_bytes: number }[]>`
        DELETE FROM checkpoints WHERE session_id = ${sessionId} AND seq = ANY(${doomed}::bigint[]) RETURNING size_bytes`
      return deleted.reduce((n, r) => n + r.size_bytes, 0)
    })
  }

  async latestCheckpoint(sessionId: string, atOrBefore?: number): Promise<Checkpoint | null> {
    const [row] =
      atOrBefore === undefined
        ? await this.sql<CheckpointRow[]>`SELECT seq, at, state, checksum, deflated FROM checkpoints WHERE session_id = ${sessionId} ORDER BY seq DESC LIMIT 1`
        : await this.sql<CheckpointRow[]>`
            SELECT seq, at, state, checksum, deflated FROM checkpoints WHERE session_id = ${sessionId} AND at <= ${atOrBefore}
            ORDER BY at DESC, seq DESC LIMIT 1`
    return row ? toCheckpoint(row) : null
  }

  async checkpointAtOrBeforeSeq(sessionId: string, seq: number): Promise<Checkpoint | null> {
    const [row] = await this.sql<CheckpointRow[]>`
      SELECT seq, at, state, checksum, deflated FROM checkpoints WHERE session_id = ${sessionId} AND seq <= ${seq} ORDER BY seq DESC LIMIT 1`
    return row ? toCheckpoint(row) : null
  }

  seqAt(sessionId: string, at: number): Promise<number> {
    return log.seqAt(this.sql, sessionId, at)
  }

  updatesAfter(sessionId: string, afterSeq: number, untilAt?: number, limit = -1): Promise<LoggedUpdate[]> {
    return log.updatesAfter(this.sql, sessionId, afterSeq, untilAt, limit)
  }

  updatesPage(sessionId: string, afterSeq: number, limits: PageLimits): Promise<LoggedUpdate[]> {
    return log.updatesPage(this.sql, sessionId, afterSeq, limits)
  }

  historyBounds(sessionId: string): Promise<{ first: number; last: number; count: number } | null> {
    return log.historyBounds(this.sql, sessionId)
  }

  async storedBytes(sessionId: string): Promise<number> {
    // A packed entry counts its update's bytes, as its row did: packing changes nothing a quota sees.
    const [r] = await this.sql<{ bytes: number }[]>`
      SELECT ((SELECT COALESCE(SUM(size_bytes), 0) FROM updates WHERE session_id = ${sessionId})
            + (SELECT COALESCE(SUM(raw_bytes), 0) FROM update_packs WHERE session_id = ${sessionId})
            + (SELECT COALESCE(SUM(size_bytes), 0) FROM checkpoints WHERE session_id = ${sessionId}))::bigint AS bytes`
    return r?.bytes ?? 0
  }

  /**
   * Secrets are fenced like the log: once this process has claimed the room, a write runs only
   * while that claim's epoch is still the room's (checked FOR SHARE in the same transaction, so a
   * claim elsewhere waits for it, or it is refused with FencedError). A process that lost the room
   * cannot write a private sticky or a ballot after the new owner loaded them. Without a claim here
   * (one process, no leases in use) the write is not fenced.
   */
  private async fencedWrite(sessionId: string, write: (sql: Sql | Tx) => Promise<unknown>): Promise<void> {
    const epoch = this.leases.epochOf(sessionId)
    if (epoch === undefined) {
      await write(this.sql)
      return
    }
    await this.sql.begin(async (tx) => {
      const [lease] = await tx<{ epoch: number }[]>`SELECT epoch FROM room_owners WHERE session_id = ${sessionId} FOR SHARE`
      if (lease?.epoch !== epoch) throw new FencedError(sessionId)
      await write(tx)
    })
  }

  async putSecret(sessionId: string, kind: SecretKind, ownerId: string, itemId: string, value: string): Promise<void> {
    await this.fencedWrite(
      sessionId,
      (sql) => sql`
        INSERT INTO secrets (session_id, kind, owner_id, item_id, value) VALUES (${sessionId}, ${kind}, ${ownerId}, ${itemId}, ${value})
        ON CONFLICT (session_id, kind, owner_id, item_id) DO UPDATE SET value = EXCLUDED.value`,
    )
  }

  async deleteSecret(sessionId: string, kind: SecretKind, ownerId: string, itemId: string): Promise<void> {
    await this.fencedWrite(sessionId, (sql) => sql`DELETE FROM secrets WHERE session_id = ${sessionId} AND kind = ${kind} AND owner_id = ${ownerId} AND item_id = ${itemId}`)
  }

  async secrets(sessionId: string, kind: SecretKind): Promise<Secret[]> {
    const rows = await this.sql<{ owner_id: string; item_id: string; value: string }[]>`
      SELECT owner_id, item_id, value FROM secrets WHERE session_id = ${sessionId} AND kind = ${kind} ORDER BY owner_id, item_id`
    return rows.map((r) => ({ ownerId: r.owner_id, itemId: r.item_id, value: r.value }))
  }

  async deleteSecrets(sessionId: string, kind: SecretKind): Promise<void> {
    await this.fencedWrite(sessionId, (sql) => sql`DELETE FROM secrets WHERE session_id = ${sessionId} AND kind = ${kind}`)
  }

  async linkFollowUp(sessionId: string, previousId: string): Promise<SeriesLink> {
    return this.sql.begin(async (tx) => {
      // Two follow-ups of sessions in one series at once: one waits for the other's row.
      await tx`SELECT pg_advisory_xact_lock(hashtext(${previousId}))`
      const [row] = await tx<LinkRow[]>`SELECT session_id, series_id, previous_id, position FROM session_series WHERE session_id = ${previousId}`
      let previous = row ? toLink(row) : null
      if (!previous) {
        previous = { sessionId: previousId, seriesId: previousId, previousId: null, position: 1 }
        await tx`INSERT INTO session_series (session_id, series_id, previous_id, position) VALUES (${previousId}, ${previousId}, NULL, 1)`
      }
      const link = { sessionId, seriesId: previous.seriesId, previousId, position: previous.position + 1 }
      await tx`INSERT INTO session_series (session_id, series_id, previous_id, position) VALUES (${sessionId}, ${link.seriesId}, ${previousId}, ${link.position})`
      return link
    }) as Promise<SeriesLink>
  }

  async seriesLink(sessionId: string): Promise<SeriesLink | null> {
    const [row] = await this.sql<LinkRow[]>`SELECT session_id, series_id, previous_id, position FROM session_series WHERE session_id = ${sessionId}`
    return row ? toLink(row) : null
  }

  async followUpOf(sessionId: string): Promise<string | null> {
    const [row] = await this.sql<{ session_id: string }[]>`SELECT session_id FROM session_series WHERE previous_id = ${sessionId}`
    return row?.session_id ?? null
  }

  async seriesSessions(seriesId: string): Promise<SeriesEntry[]> {
    const rows = await this.sql<(LinkRow & { title: string; created_at: number })[]>`
      SELECT l.session_id, l.series_id, l.previous_id, l.position, s.title, s.created_at
      FROM session_series l JOIN sessions s ON s.id = l.session_id WHERE l.series_id = ${seriesId} ORDER BY l.position`
    return rows.map((r) => ({ ...toLink(r), title: r.title, createdAt: r.created_at }))
  }

  async chatSettings(sessionId: string): Promise<ChatSettingsRow | null> {
    const [r] = await this.sql<{ slack_url: string | null; teams_url: string | null; updates: string }[]>`
      SELECT slack_url, teams_url, updates FROM chat_settings WHERE session_id = ${sessionId}`
    return r ? { slackUrl: r.slack_url, teamsUrl: r.teams_url, updates: r.updates } : null
  }

  async putChatSettings(sessionId: string, row: ChatSettingsRow, at: number): Promise<void> {
    await this.sql`
      INSERT INTO chat_settings (session_id, slack_url, teams_url, updates, updated_at) VALUES (${sessionId}, ${row.slackUrl}, ${row.teamsUrl}, ${row.updates}, ${at})
      ON CONFLICT (session_id) DO UPDATE SET slack_url = EXCLUDED.slack_url, teams_url = EXCLUDED.teams_url, updates = EXCLUDED.updates, updated_at = EXCLUDED.updated_at`
  }

  async claimChatDelivery(sessionId: string, key: string, channel: string, status: string, at: number): Promise<boolean> {
    const rows = await this.sql`
      INSERT INTO chat_deliveries (session_id, key, channel, status, updated_at) VALUES (${sessionId}, ${key}, ${channel}, ${status}, ${at})
      ON CONFLICT (session_id, key, channel) DO NOTHING RETURNING key`
    return rows.length === 1
  }

  async putChatDelivery(sessionId: string, key: string, channel: string, status: string, at: number): Promise<void> {
    await this.sql`
      INSERT INTO chat_deliveries (session_id, key, channel, status, updated_at) VALUES (${sessionId}, ${key}, ${channel}, ${status}, ${at})
      ON CONFLICT (session_id, key, channel) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`
  }

  async chatDeliveries(sessionId: string, limit: number): Promise<ChatDeliveryRow[]> {
    const rows = await this.sql<{ key: string; channel: string; status: string; updated_at: number }[]>`
      SELECT key, channel, status, updated_at FROM chat_deliveries WHERE session_id = ${sessionId} ORDER BY updated_at DESC, key DESC LIMIT ${limit}`
    return rows.map((r) => ({ key: r.key, channel: r.channel, status: r.status, updatedAt: Number(r.updated_at) }))
  }

  /**
   * A value every process of the deployment shares: the first process to ask stores `fresh`, and
   * every process (that one included) gets back what is stored. Two processes starting at once
   * both insert; ON CONFLICT keeps the first, and both read the same row.
   */
  async sharedSetting(name: string, fresh: Uint8Array): Promise<Uint8Array> {
    await this.sql`INSERT INTO settings (name, value) VALUES (${name}, ${asBuffer(fresh)}) ON CONFLICT (name) DO NOTHING`
    const [r] = await this.sql<{ value: Buffer }[]>`SELECT value FROM settings WHERE name = ${name}`
    if (!r) throw new Error(`The setting ${name} was stored but cannot be read back.`)
    return new Uint8Array(r.value)
  }

  // ---- Timeline summaries (schema version 8) ----
  async timelineSummary(sessionId: string): Promise<TimelineSummaryRow | null> {
    return this.summaries.read(sessionId)
  }

  async putTimelineSummary(sessionId: string, summary: TimelineSummaryRow): Promise<boolean> {
    return this.summaries.write(sessionId, summary)
  }
  // ---- end of timeline summaries ----

  /** The schema version this database is at (the highest applied migration). */
  async schemaVersion(): Promise<number> {
    const [r] = await this.sql<{ version: number | null }[]>`SELECT MAX(version)::bigint AS version FROM schema_migrations`
    return r?.version ?? 0
  }

  /** Connection trouble, lock and resource errors clear up; data and constraint errors (SQLSTATE 22, 23, 42) never do. */
  isTransient(error: unknown): boolean {
    if (error instanceof FencedError || error instanceof DuplicateSeqError) return false
    const code = (error as { code?: unknown }).code
    if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true
    return !['22', '23', '42', '44'].includes(code.slice(0, 2))
  }

  async healthCheck(): Promise<void> {
    await this.sql`SELECT 1`
  }

  async close(): Promise<void> {
    await this.vacuum.settled()
    await this.sql.end({ timeout: 5 })
  }
}

/** The URL as it may be logged: user, host, port and database, never a password. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'DATABASE_URL'
  }
}

function toRow(u: UpdateToAppend) {
  return {
    session_id: u.sessionId,
    seq: u.seq,
    at: u.at,
    participant_id: u.participantId,
    bytes: asBuffer(u.update),
    checksum: zlib.crc32(u.update),
    size_bytes: u.update.length,
  }
}

function connect(url: string, max: number): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // bigint (int8) columns hold epoch milliseconds, seqs and byte counts: all below 2^53.
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } },
    connection: { application_name: 'sandbox' },
  }) as unknown as Sql
}
