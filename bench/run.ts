// `npm run bench` — Sandbox beside the classic y-websocket server and Hocuspocus, same machine,
// same load, same run. Prints a Markdown table, writes bench/results/<date>.json and (full runs)
// BENCHMARKS.md at the repo root. Quick and partial runs are for the person at the keyboard: their
// JSON goes to the system's temporary directory, never into the repository.
//
//   npm run bench                      full run: 3 alternating rounds, 15 s windows
//   npm run bench -- --quick           one round, 5 s windows, smaller histories (< 3 minutes)
//   npm run bench -- --rounds 5        more rounds
//   npm run bench -- --only fanout,cold,memory,replay,replay-open,storage,saved,browser,bundle,cluster
//   npm run bench -- --quick --write-md   also rewrite BENCHMARKS.md (full runs always do)
//   npm run bench -- --only cluster --takeovers 5   kills of the owner per lease length (cluster)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderBenchmarksMd, renderTerminal, type Report } from './report.ts'
import { buildRows } from './rows.ts'
import { QUICK_SKIPS, runSuite, type SuiteOptions } from './suite.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const flag = (name: string): boolean => args.includes(`--${name}`)
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}

const quick = flag('quick')
const opts: SuiteOptions = {
  quick,
  rounds: Number(value('rounds') ?? (quick ? 1 : 3)),
  measureMs: Number(value('seconds') ?? (quick ? 5 : 15)) * 1000,
  cold: quick ? { shapes: 5_000, updates: 20_000, restarts: 1 } : { shapes: 5_000, updates: 100_000, restarts: 5 },
  memory: { idleConnections: 100, rooms: 10, stickies: 500 },
  browser: { stickies: 2_000, gestureMs: quick ? 2_000 : 4_000, returningStickies: quick ? [2_000] : [2_000, 5_000], panMs: quick ? 2_000 : 4_000 },
  replayUpdates: quick ? 20_000 : 100_000,
  savedIsolated: { clients: 10, seconds: quick ? 5 : 15 },
  // Quick: the SQLite reference is left out (the fan-out scenario measures it) and the owner is
  // killed once, with the short lease, so the scenario stays near 30–45 s on an idle machine.
  cluster: {
    variants: quick ? ['postgres-1', 'postgres-2'] : ['sqlite-1', 'postgres-1', 'postgres-2'],
    leaseTtlsMs: quick ? [2_000] : [5_000, 2_000],
    takeoverRepetitions: Number(value('takeovers') ?? (quick ? 1 : 5)),
  },
  only: value('only') ? new Set((value('only') as string).split(',')) : null,
  log: (line) => console.error(line),
}

const started = Date.now()
const machine = {
  nproc: os.availableParallelism(),
  memoryGb: os.totalmem() / 1024 ** 3,
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  node: process.versions.node,
  os: `${os.type()} ${os.release()}`,
  loadAverage: os.loadavg(),
}
const results = await runSuite(opts)
const notes = [
  'Sandbox persists every update (SQLite, synchronous=FULL, group commit every 5 ms) and checks auth and every update; y-websocket keeps rooms in memory only; Hocuspocus stores the whole document after its debounce.',
  'Hocuspocus coalesces broadcasts per event-loop turn and sends only the latest cursor state of each client, so it delivers fewer cursor states than were sent by design.',
  'Hocuspocus\'s SQLite extension runs on the project\'s better-sqlite3 13.2.0: the extension pins better-sqlite3 12.x, which has no prebuilt binary for Node 24 and whose install script this repo does not run.',
  `Load generator CPU near 100 % means the generator, not the server, was the limit in that cell.`,
]
if (results.coldPostgres || results.cluster) {
  notes.push('PostgreSQL rows run on a throwaway local cluster (server/src/testing/postgres.ts) with fsync=off and synchronous_commit=off: fit for comparing 1 process with 2 and SQLite with PostgreSQL on this machine, not a durable deployment\'s figures. Sandbox on SQLite keeps synchronous=FULL.')
}
if (quick) {
  notes.push(
    `Quick run: one round, ${opts.measureMs / 1000} s windows, cold load with a ${opts.cold.updates.toLocaleString('en-US')}-update history, replay seek over ${opts.replayUpdates.toLocaleString('en-US')} updates` +
      (opts.only === null ? `; left out (full runs, or --only): ${[...QUICK_SKIPS].join(', ')}.` : '.'),
  )
}
const report: Report = {
  date: new Date(started).toISOString(),
  quick,
  rounds: opts.rounds,
  machine,
  versions: results.versions,
  rows: buildRows(results),
  gaps: results.gaps,
  notes,
  raw: results,
}
console.log(renderTerminal(report))
console.error(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s`)

const dir = quick || opts.only !== null ? path.join(os.tmpdir(), 'sandbox-bench') : path.join(root, 'bench/results')
fs.mkdirSync(dir, { recursive: true })
const stamp = report.date.replace(/[:]/g, '-').replace(/\..+$/, '')
const file = path.join(dir, `${stamp}${quick ? '-quick' : ''}.json`)
fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
console.error(`results: ${file.startsWith(root) ? path.relative(root, file) : file}`)
if ((!quick && opts.only === null) || flag('write-md')) {
  // The generated part is replaced; the sections written by hand after it are kept as they are.
  const mdFile = path.join(root, 'BENCHMARKS.md')
  const previous = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : ''
  const byHand = previous.search(/^## .*\(written by hand/m)
  fs.writeFileSync(mdFile, renderBenchmarksMd(report, path.relative(root, file)) + (byHand >= 0 ? `\n${previous.slice(byHand)}` : ''))
  console.error('BENCHMARKS.md updated')
}
// Clients, timers and child processes are all closed; exit even if a library keeps a handle.
process.exit(0)
