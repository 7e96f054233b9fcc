// Room leases in PostgreSQL (see LeaseStore in Storage.ts). One row per session that was ever
// loaded; a claim bumps the epoch, so a row is never deleted (an epoch must never come back).
// Expiry is judged by the database's clock, the one clock every process shares.
import type postgres from 'postgres'
import type { Lease, LeaseHolder, LeaseStore } from './Storage.ts'

type Sql = postgres.Sql<{ bigint: number }>

export class PostgresLeases implements LeaseStore {
  private readonly sql: Sql

  constructor(sql: Sql) {
    this.sql = sql
  }

  async claim(sessionId: string, holder: LeaseHolder, ttlMs: number): Promise<Lease | { heldBy: LeaseHolder; expiresInMs: number }> {
    const [won] = await this.sql<{ epoch: number }[]>`
      INSERT INTO room_leases (session_id, process_id, url, epoch, expires_at)
      VALUES (${sessionId}, ${holder.processId}, ${holder.url}, 1, now() + ${ttlMs} * interval '1 millisecond')
      ON CONFLICT (session_id) DO UPDATE
        SET process_id = EXCLUDED.process_id, url = EXCLUDED.url, epoch = room_leases.epoch + 1, expires_at = EXCLUDED.expires_at
        WHERE room_leases.expires_at < now() OR room_leases.url = EXCLUDED.url
      RETURNING epoch`
    if (won) return { sessionId, epoch: won.epoch }
    const [held] = await this.sql<{ process_id: string; url: string; expires_in_ms: number }[]>`
      SELECT process_id, url, GREATEST(0, EXTRACT(EPOCH FROM expires_at - now()) * 1000)::bigint AS expires_in_ms
      FROM room_leases WHERE session_id = ${sessionId}`
    // Released between the two statements: the next claim wins.
    if (!held) return this.claim(sessionId, holder, ttlMs)
    return { heldBy: { processId: held.process_id, url: held.url }, expiresInMs: held.expires_in_ms }
  }

  async renew(processId: string, leases: readonly Lease[], ttlMs: number): Promise<Set<string>> {
    if (leases.length === 0) return new Set()
    const rows = await this.sql<{ session_id: string; epoch: number }[]>`
      UPDATE room_leases SET expires_at = now() + ${ttlMs} * interval '1 millisecond'
      WHERE process_id = ${processId} AND session_id = ANY(${leases.map((l) => l.sessionId)}::text[])
      RETURNING session_id, epoch`
    const epochs = new Map(rows.map((r) => [r.session_id, r.epoch]))
    return new Set(leases.filter((l) => epochs.get(l.sessionId) === l.epoch).map((l) => l.sessionId))
  }

  async release(processId: string, lease: Lease): Promise<void> {
    await this.sql`
      UPDATE room_leases SET expires_at = now() - interval '1 millisecond'
      WHERE session_id = ${lease.sessionId} AND process_id = ${processId} AND epoch = ${lease.epoch}`
  }
}
