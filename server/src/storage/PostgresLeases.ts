// Room leases in PostgreSQL (see LeaseStore in Storage.ts). `room_owners` holds each room's epoch
// and holder, and is what fenced writes check (FOR SHARE, in PostgresStorage); `room_leases` holds
// the expiry, renewed every second or so without ever waiting for those writes. Expiry is judged
// by the database's clock, the one clock every process shares.
import type postgres from 'postgres'
import type { Lease, LeaseHolder, LeaseStore } from './Storage.ts'

type Sql = postgres.Sql<{ bigint: number }>

const interval = (ms: number) => `${Math.round(ms)} milliseconds`

export class PostgresLeases implements LeaseStore {
  private readonly sql: Sql
  /** The epoch of this process's latest claim of each room: what its writes without an explicit epoch (secrets) are fenced by. */
  private readonly claimed = new Map<string, number>()

  constructor(sql: Sql) {
    this.sql = sql
  }

  /** The epoch this process last claimed `sessionId` at (undefined: never claimed here). */
  epochOf(sessionId: string): number | undefined {
    return this.claimed.get(sessionId)
  }

  async claim(sessionId: string, holder: LeaseHolder, ttlMs: number): Promise<Lease | { heldBy: LeaseHolder; expiresInMs: number }> {
    const result = await this.claimOnce(sessionId, holder, ttlMs)
    if ('epoch' in result) this.claimed.set(sessionId, result.epoch)
    return result
  }

  private claimOnce(sessionId: string, holder: LeaseHolder, ttlMs: number): Promise<Lease | { heldBy: LeaseHolder; expiresInMs: number }> {
    return this.sql.begin(async (tx) => {
      // The lease row is locked for the decision: two claims at once are decided one after the other.
      await tx`INSERT INTO room_leases (session_id, process_id, expires_at) VALUES (${sessionId}, '', to_timestamp(0)) ON CONFLICT (session_id) DO NOTHING`
      const [current] = await tx<{ expires_in_ms: number; process_id: string; url: string | null }[]>`
        SELECT GREATEST(0, EXTRACT(EPOCH FROM l.expires_at - now()) * 1000)::bigint AS expires_in_ms, o.process_id, o.url
        FROM room_leases l LEFT JOIN room_owners o USING (session_id)
        WHERE l.session_id = ${sessionId} FOR UPDATE OF l`
      if (current && current.expires_in_ms > 0 && current.url !== null && current.url !== holder.url) {
        return { heldBy: { processId: current.process_id, url: current.url }, expiresInMs: current.expires_in_ms }
      }
      // Raising the epoch waits for fenced writes under way (they hold the row FOR SHARE): they
      // land before this claim, and the new owner's load sees them; later ones are refused.
      const [owner] = await tx<{ epoch: number }[]>`
        INSERT INTO room_owners (session_id, epoch, process_id, url) VALUES (${sessionId}, 1, ${holder.processId}, ${holder.url})
        ON CONFLICT (session_id) DO UPDATE SET epoch = room_owners.epoch + 1, process_id = EXCLUDED.process_id, url = EXCLUDED.url
        RETURNING epoch`
      await tx`UPDATE room_leases SET process_id = ${holder.processId}, expires_at = now() + ${interval(ttlMs)}::interval WHERE session_id = ${sessionId}`
      return { sessionId, epoch: (owner as { epoch: number }).epoch }
    })
  }

  async renew(processId: string, leases: readonly Lease[], ttlMs: number): Promise<Set<string>> {
    if (leases.length === 0) return new Set()
    const rows = await this.sql<{ session_id: string; epoch: number }[]>`
      UPDATE room_leases l SET expires_at = now() + ${interval(ttlMs)}::interval
      FROM room_owners o
      WHERE o.session_id = l.session_id AND l.process_id = ${processId} AND o.process_id = ${processId}
        AND l.session_id = ANY(${leases.map((x) => x.sessionId)}::text[])
      RETURNING l.session_id, o.epoch`
    const epochs = new Map(rows.map((r) => [r.session_id, r.epoch]))
    return new Set(leases.filter((l) => epochs.get(l.sessionId) === l.epoch).map((l) => l.sessionId))
  }

  async release(processId: string, lease: Lease): Promise<void> {
    await this.sql`
      UPDATE room_leases l SET expires_at = to_timestamp(0)
      FROM room_owners o
      WHERE o.session_id = l.session_id AND l.session_id = ${lease.sessionId} AND l.process_id = ${processId} AND o.epoch = ${lease.epoch}`
  }
}
