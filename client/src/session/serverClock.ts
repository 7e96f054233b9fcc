// The client's offset to server time, NTP-style: ask `GET /api/time` a few times, keep the answer
// with the shortest round trip, and assume the server read its clock halfway through it.
import { useEffect, useState } from 'react'

export interface ClockSample {
  /** Local time the request left. */
  sentAt: number
  /** The server's `now`. */
  serverNow: number
  /** Local time the answer arrived. */
  receivedAt: number
}

/** serverTime ≈ localTime + offset, from the sample with the smallest round trip. */
export function estimateOffset(samples: readonly ClockSample[]): number {
  let best: ClockSample | null = null
  for (const s of samples) {
    if (s.receivedAt < s.sentAt) continue
    if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s
  }
  if (!best) return 0
  return Math.round(best.serverNow + (best.receivedAt - best.sentAt) / 2 - best.receivedAt)
}

const SAMPLES = 4
const RESYNC_MS = 5 * 60_000

let offsetMs = 0
let syncing: Promise<void> | null = null
let lastSync = 0
const listeners = new Set<() => void>()

async function sample(): Promise<ClockSample | null> {
  const sentAt = Date.now()
  try {
    const response = await fetch('/api/time', { cache: 'no-store' })
    const receivedAt = Date.now()
    const body = (await response.json()) as { now?: unknown }
    return typeof body.now === 'number' ? { sentAt, serverNow: body.now, receivedAt } : null
  } catch {
    return null
  }
}

function syncClock(): Promise<void> {
  if (syncing) return syncing
  syncing = (async () => {
    const samples: ClockSample[] = []
    for (let i = 0; i < SAMPLES; i++) {
      const s = await sample()
      if (s) samples.push(s)
    }
    if (samples.length > 0) {
      offsetMs = estimateOffset(samples)
      lastSync = Date.now()
      for (const listener of listeners) listener()
    }
  })().finally(() => {
    syncing = null
  })
  return syncing
}

/** Server time now, by this client's best estimate. */
export const serverNow = (): number => Date.now() + offsetMs

/** Keeps the offset fresh while mounted; re-renders when it changes. Returns the offset. */
export function useServerClock(): number {
  const [offset, setOffset] = useState(offsetMs)
  useEffect(() => {
    const listener = () => setOffset(offsetMs)
    listeners.add(listener)
    if (Date.now() - lastSync > RESYNC_MS) void syncClock()
    const timer = window.setInterval(() => void syncClock(), RESYNC_MS)
    return () => {
      listeners.delete(listener)
      window.clearInterval(timer)
    }
  }, [])
  return offset
}

/** Re-renders every `intervalMs` while `active`, returning server time. */
export function useServerNow(active: boolean, intervalMs = 250): number {
  useServerClock()
  const [now, setNow] = useState(serverNow)
  useEffect(() => {
    setNow(serverNow())
    if (!active) return
    const timer = window.setInterval(() => setNow(serverNow()), intervalMs)
    return () => window.clearInterval(timer)
  }, [active, intervalMs])
  return now
}
