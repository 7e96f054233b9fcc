// Turns a run's results into the Markdown table (Sandbox, each peer, Sandbox/peer ratios), the JSON
// file in bench/results/, and BENCHMARKS.md.
import type { PeerName } from './peers.ts'

/** A cell is a number (median over rounds), a short explanation, or nothing measured. */
export type Cell = number | string | null

export interface Row {
  section: string
  figure: string
  unit: string
  values: Record<PeerName, Cell>
  /** Goal for Sandbox, shown beside the figure. */
  goal?: string
}

export interface Machine {
  nproc: number
  memoryGb: number
  cpu: string
  node: string
  os: string
  loadAverage: number[]
}

export interface Report {
  date: string
  quick: boolean
  rounds: number
  machine: Machine
  versions: Record<PeerName, string>
  rows: Row[]
  gaps: string[]
  notes: string[]
  raw: unknown
}

const PEER_ORDER: PeerName[] = ['sandbox', 'y-websocket', 'hocuspocus']
const HEAD: Record<PeerName, string> = { sandbox: 'Sandbox', 'y-websocket': 'y-websocket', hocuspocus: 'Hocuspocus' }

function fmt(v: Cell): string {
  if (v === null) return '—'
  if (typeof v === 'string') return v
  const abs = Math.abs(v)
  if (abs === 0) return '0'
  if (abs >= 100) return Math.round(v).toLocaleString('en-US')
  if (abs >= 10) return v.toFixed(1)
  if (abs >= 0.1) return v.toFixed(2)
  return v.toPrecision(2)
}

function ratio(a: Cell, b: Cell): string {
  if (typeof a !== 'number' || typeof b !== 'number') return '—'
  if (b === 0) return a === 0 ? '1.00×' : '—'
  return `${(a / b).toFixed(2)}×`
}

export function markdownTable(report: Report): string {
  const lines: string[] = []
  const peers = PEER_ORDER.filter((p) => p !== 'sandbox')
  lines.push(`| Scenario | Figure | ${PEER_ORDER.map((p) => HEAD[p]).join(' | ')} | ${peers.map((p) => `Sandbox / ${HEAD[p]}`).join(' | ')} | Goal |`)
  lines.push(`|---|---|${PEER_ORDER.map(() => '---:').join('|')}|${peers.map(() => '---:').join('|')}|---|`)
  let last = ''
  for (const row of report.rows) {
    const section = row.section === last ? '' : row.section
    last = row.section
    const cells = PEER_ORDER.map((p) => fmt(row.values[p]))
    const ratios = peers.map((p) => ratio(row.values.sandbox, row.values[p]))
    lines.push(`| ${section} | ${row.figure} (${row.unit}) | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${row.goal ?? ''} |`)
  }
  return lines.join('\n')
}

export function renderTerminal(report: Report): string {
  const out: string[] = []
  out.push(`# Sandbox benchmarks — ${report.date}${report.quick ? ' (quick run)' : ''}`)
  out.push('')
  out.push(`Machine: ${report.machine.nproc} CPUs (${report.machine.cpu}), ${report.machine.memoryGb.toFixed(1)} GB, Node ${report.machine.node}, ${report.machine.os}; load average at start ${report.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}`)
  out.push(`Rounds: ${report.rounds} (servers alternate order each round; figures are medians over rounds)`)
  out.push('')
  out.push('Versions:')
  for (const p of PEER_ORDER) out.push(`- ${HEAD[p]}: ${report.versions[p]}`)
  out.push('')
  out.push(markdownTable(report))
  if (report.notes.length > 0) {
    out.push('')
    out.push('Notes:')
    for (const n of report.notes) out.push(`- ${n}`)
  }
  if (report.gaps.length > 0) {
    out.push('')
    out.push('Not measured in this run:')
    for (const g of report.gaps) out.push(`- ${g}`)
  }
  return out.join('\n')
}

export function renderBenchmarksMd(report: Report, resultsFile: string): string {
  return `# Benchmarks

Sandbox beside the servers people would pick instead, on the same machine, under the same load, in
the same run. Written by \`npm run bench\` (a full run); the raw figures are in \`${resultsFile}\`.

## How to reproduce

\`\`\`sh
npm ci
npm run build          # the browser scenario serves the built client
npm run bench          # full run, several alternating rounds (≈ 15 minutes)
npm run bench -- --quick   # one short round (under 3 minutes), for a smoke test
\`\`\`

Every server runs in its own child process and reports its own CPU time and memory; the load
generator is a separate child process. Clients are lean protocol clients (\`bench/wire.ts\`), the
same for every server; senders are staggered so the load is steady. Machines shared with other
work are noisy: compare ratios within one run, not figures across runs.

## Latest ${report.quick ? 'run (quick: one round, short windows — not a final figure)' : 'full run'}

${renderTerminal(report)}

## What each figure means

- **Fan-out**: latency from the moment a client sends an edit (the timestamp travels inside the
  edit) to the moment each other client in the room receives it; *lost* = deliveries that never
  arrived; *CPU per 1,000 deliveries* = server CPU seconds in the measured window divided by the
  offered deliveries (messages sent × other clients in the room); RSS = peak resident memory.
- **Saved**: Sandbox acknowledges an update once it is in SQLite (group commit); the peers have
  no such acknowledgement. Hocuspocus stores the whole document after a debounce.
- **Cold load**: the room's data is written through the server, the server is stopped and
  started again on the same data, and one client connects; *restart* is process start to
  listening, *first sync* is connect to the first sync message of the cold room; the rows marked
  PostgreSQL are the same with Sandbox on PostgreSQL.
- **Several processes**: the 10 rooms × 10 clients fan-out against Sandbox on PostgreSQL with every
  client on one process, and with clients alternating between two processes of the same database
  (half of them relayed to the room's owner), beside Sandbox on SQLite; CPU is summed over the
  Sandbox processes (PostgreSQL's own CPU is not counted). *Takeover*: the room's owner is killed
  (SIGKILL) while four clients write; their sockets reconnect at once to the other process, and
  the figures are the time from the kill to the first sync and to the first "saved" ack served by
  that process, at two lease lengths. PostgreSQL is a local throwaway cluster with fsync off.
- **Replay seek**: \`GET /api/sessions/<id>/state?at=…\` server-side, over random moments of a
  100,000-update session (\`bench/replaySeek.ts\`).
- **Storage of a long session**: a 20-person meeting and 20,000 moves of 200 stickies written
  through a real server (\`bench/storageRatio.ts\`); the SQLite file (WAL folded in) or PostgreSQL's
  \`pg_total_relation_size\` of the log and checkpoints, and the quota's stored bytes, each over the
  update bytes plus the final document's bytes.
- **Browser**: headless Chromium opening a join link to a board of 2,000 stickies; bytes the page
  sends on its websocket while dragging one sticky and while drawing.
- **Memory**: server RSS and JS heap (after a full GC) added per idle connection and per loaded
  room of 500 stickies.
`
}
