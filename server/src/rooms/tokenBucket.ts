// Per-connection rate limit, checked synchronously on every frame. Promise-based limiters would
// put an allocation and a microtask on the hottest path for a 10-line algorithm.
export class TokenBucket {
  private tokens: number
  private last: number
  private readonly ratePerMs: number
  private readonly burst: number

  constructor(perSecond: number, burst: number, now = performance.now()) {
    this.ratePerMs = perSecond / 1000
    this.burst = Math.max(1, burst)
    this.tokens = this.burst
    this.last = now
  }

  /** Takes `n` tokens (messages, bytes, records) if there are that many; otherwise takes none. */
  take(n = 1, now = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.ratePerMs)
    this.last = now
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }
}
