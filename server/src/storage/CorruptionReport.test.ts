import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../log.ts'
import { CorruptionReport, MAX_REPORTED_CORRUPT_ROWS } from './CorruptionReport.ts'

describe('CorruptionReport', () => {
  it('logs each corrupt row once as storage.corrupt and lists only the newest', async () => {
    const lines: Record<string, unknown>[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        done()
      },
    })
    const report = new CorruptionReport(createLogger('info', sink))
    for (let round = 0; round < 3; round++) {
      for (let seq = 1; seq <= 50; seq++) report.report({ session: 's', seq, kind: 'update', reason: 'checksum' })
    }
    report.report({ session: 's', seq: 7, kind: 'checkpoint', reason: 'decode' })
    const { rows, total } = report.snapshot()
    expect(total).toBe(51)
    expect(rows).toHaveLength(MAX_REPORTED_CORRUPT_ROWS)
    expect(rows.at(-1)).toEqual({ session: 's', seq: 7, kind: 'checkpoint', reason: 'decode' })
    expect(lines).toHaveLength(51)
    expect(lines[0]).toMatchObject({ event: 'storage.corrupt', session: 's', seq: 1, kind: 'update', reason: 'checksum', level: 50 })
  })
})
