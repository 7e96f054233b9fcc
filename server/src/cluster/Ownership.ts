// This process's room leases (PostgreSQL deployments): claims them when a room is first used,
// renews them all every third of the lease time, and gives a room up (onLost) when its lease
// moved to another process or could not be renewed in time, before the database lets anyone
// else take it. A process cut off from the database therefore stops serving its rooms on its own,
// within LEASE_TTL_MS, and another process takes them over when their clients reconnect.
import crypto from 'node:crypto'
import type { Logger } from '../log.ts'
import type { Lease, LeaseHolder, LeaseStore } from '../storage/Storage.ts'

export interface OwnershipOptions {
  leases: LeaseStore
  /** INTERNAL_URL of this process. */
  url: string
  ttlMs: number
  log: Logger
  /** Called with rooms this process no longer holds: close their sockets and drop them unsaved work. */
  onLost(sessionIds: readonly string[], reason: string): void
}

export type Claim = { lease: Lease } | { heldBy: LeaseHolder; expiresInMs: number }

export class Ownership {
  readonly holder: LeaseHolder
  private readonly opts: OwnershipOptions
  private readonly held = new Map<string, Lease>()
  private readonly timer: NodeJS.Timeout
  /** When the last renewal that went through was sent (performance.now()). */
  private renewedAt = performance.now()
  private renewing = false
  private failing = false

  constructor(opts: OwnershipOptions) {
    this.opts = opts
    this.holder = { processId: crypto.randomUUID(), url: opts.url }
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.floor(opts.ttlMs / 3)))
    this.timer.unref()
  }

  /** Whether lease renewals go through (false while the database cannot be reached). */
  get healthy(): boolean {
    return !this.failing
  }

  epochOf(sessionId: string): number | undefined {
    return this.held.get(sessionId)?.epoch
  }

  async claim(sessionId: string): Promise<Claim> {
    const started = performance.now()
    const result = await this.opts.leases.claim(sessionId, this.holder, this.opts.ttlMs)
    if ('heldBy' in result) return result
    // A fresh claim counts as a renewal of this lease only; the others keep their own deadline.
    if (this.held.size === 0) this.renewedAt = started
    this.held.set(sessionId, result)
    this.opts.log.info({ event: 'room.claimed', session: sessionId, epoch: result.epoch }, 'room lease claimed')
    return { lease: result }
  }

  /** Lets a room go (unloaded, shutting down): another process may claim it at once. */
  async release(sessionId: string): Promise<void> {
    const lease = this.held.get(sessionId)
    if (!lease) return
    this.held.delete(sessionId)
    try {
      await this.opts.leases.release(this.holder.processId, lease)
    } catch (error) {
      // It expires by itself.
      this.opts.log.warn({ event: 'room.release_failed', session: sessionId, err: error }, 'lease release failed; it will expire')
    }
  }

  /** Forgets a room without telling the database (it was fenced: someone else holds it already). */
  forget(sessionId: string): void {
    this.held.delete(sessionId)
  }

  close(): void {
    clearInterval(this.timer)
  }

  private tick(): void {
    if (this.pastDeadline()) {
      // After the event loop was held up (a large update judged on a busy machine), timers run
      // before the I/O that waited: the answer to the last renewal may be sitting unread. Look
      // again once that I/O has been handled (the check phase comes after the poll phase).
      setImmediate(() => {
        if (!this.pastDeadline()) return
        const lost = [...this.held.keys()]
        this.held.clear()
        this.opts.log.error({ event: 'room.leases_expired', rooms: lost.length }, 'leases could not be renewed in time; giving up these rooms')
        this.opts.onLost(lost, 'leases not renewed')
      })
    }
    if (!this.renewing) void this.renew()
  }

  /**
   * Rooms are given up a little before the database would let another process claim them, so two
   * processes never serve one room at once (the fence refuses a late writer's rows anyway).
   */
  private pastDeadline(): boolean {
    const margin = Math.min(1_000, this.opts.ttlMs / 5)
    return this.held.size > 0 && performance.now() - this.renewedAt > this.opts.ttlMs - margin
  }

  private async renew(): Promise<void> {
    this.renewing = true
    const started = performance.now()
    const leases = [...this.held.values()]
    try {
      const still = leases.length > 0 ? await this.opts.leases.renew(this.holder.processId, leases, this.opts.ttlMs) : new Set<string>()
      this.renewedAt = started
      if (this.failing) this.opts.log.info({ event: 'room.leases_renewed' }, 'lease renewals go through again')
      this.failing = false
      const lost = leases.filter((l) => !still.has(l.sessionId) && this.held.get(l.sessionId) === l).map((l) => l.sessionId)
      for (const id of lost) this.held.delete(id)
      if (lost.length > 0) this.opts.onLost(lost, 'taken over by another process')
    } catch (error) {
      if (!this.failing) this.opts.log.error({ event: 'room.renew_failed', err: error }, 'lease renewal failed')
      this.failing = true
    } finally {
      this.renewing = false
    }
  }
}
