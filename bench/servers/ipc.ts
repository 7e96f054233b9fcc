// What every server child process shares: it tells the parent where it listens, answers "stats"
// with its own CPU time and memory, runs a full GC on request, and exits cleanly on SIGTERM.
export interface ServerStats {
  cpuUserMs: number
  cpuSystemMs: number
  rssBytes: number
  heapUsedBytes: number
  externalBytes: number
}

type Request = { type: 'stats'; id: number } | { type: 'gc'; id: number }

export function serveParent(port: number, version: string, stop: () => Promise<void>): void {
  process.on('message', (raw) => {
    const msg = raw as Request
    if (msg.type === 'gc') (globalThis as { gc?: () => void }).gc?.()
    const cpu = process.cpuUsage()
    const mem = process.memoryUsage()
    const stats: ServerStats = {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      externalBytes: mem.external + mem.arrayBuffers,
    }
    process.send?.({ type: 'reply', id: msg.id, stats })
  })
  let stopping = false
  process.on('SIGTERM', () => {
    if (stopping) return
    stopping = true
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error)
        process.exit(1)
      })
  })
  process.send?.({ type: 'ready', port, version })
}
