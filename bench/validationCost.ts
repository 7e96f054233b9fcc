// What the server's authority over the board costs: the fan-out load (10 rooms × 10 clients,
// edits at 5 Hz, every edit a validated tldraw record) against two Sandbox processes, one judging
// the board as it always does and one with the judging turned off (a switch only the benchmark's
// server process reads). Rounds alternate; medians of server CPU per 1,000 deliveries and edit p99.
//   node bench/validationCost.ts [--rounds 3] [--seconds 10]
import { runFanout, type FanoutResult } from './scenarios/fanout.ts'
import { startPeer } from './peers.ts'

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export async function runValidationCostBench(opts: { rounds: number; measureMs: number }): Promise<Record<string, unknown>> {
  const runs: Record<'judged' | 'unjudged', FanoutResult[]> = { judged: [], unjudged: [] }
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? (['judged', 'unjudged'] as const) : (['unjudged', 'judged'] as const)
    for (const variant of order) {
      const server = await startPeer('sandbox', variant === 'unjudged' ? { env: { BENCH_JUDGE_BOARD: 'off' } } : {})
      try {
        runs[variant].push(await runFanout(server, 'rooms', opts.measureMs))
      } finally {
        await server.stop()
      }
    }
  }
  const summary = (rs: FanoutResult[]) => ({
    cpuSecPer1kDeliveries: median(rs.map((r) => r.cpuSecPer1kDeliveries ?? NaN)),
    editP99Ms: median(rs.map((r) => r.editP99Ms ?? NaN)),
    editP50Ms: median(rs.map((r) => r.editP50Ms ?? NaN)),
    editsLost: rs.reduce((n, r) => n + r.editsLost, 0),
  })
  const judged = summary(runs.judged)
  const unjudged = summary(runs.unjudged)
  return {
    judged,
    unjudged,
    cpuRatio: judged.cpuSecPer1kDeliveries / unjudged.cpuSecPer1kDeliveries,
    p99Ratio: judged.editP99Ms / unjudged.editP99Ms,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : fallback
  }
  const result = await runValidationCostBench({ rounds: arg('rounds', 3), measureMs: arg('seconds', 10) * 1000 })
  console.log(JSON.stringify(result, null, 2))
  process.exit(0)
}
