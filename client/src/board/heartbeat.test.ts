import { describe, expect, it } from 'vitest'
import { heartbeatVerdict, PROBE_AFTER_MS, SILENT_MS } from './heartbeat.ts'

describe('heartbeat', () => {
  it('asks the server for a sign of life once the socket has been quiet a while, once per quiet spell', () => {
    expect(heartbeatVerdict(0, Infinity)).toBe('fine')
    expect(heartbeatVerdict(PROBE_AFTER_MS - 1, Infinity)).toBe('fine')
    expect(heartbeatVerdict(PROBE_AFTER_MS, Infinity)).toBe('probe')
    expect(heartbeatVerdict(PROBE_AFTER_MS + 500, 500)).toBe('fine')
  })

  it('calls a socket dead within seconds of silence, long before y-websocket’s 30 s', () => {
    expect(heartbeatVerdict(SILENT_MS, 0)).toBe('silent')
    expect(SILENT_MS).toBeLessThanOrEqual(6_000)
  })
})
