// Replay seek, this build against another checkout's, in one process: both sessions are generated
// as each build's room would write them (bench/replaySeek.ts generateSession), then the same random
// moments are sought in both, alternating sample by sample, so both see the same machine load. On a
// shared machine, wall times drift with the load; the ratio between the two builds does not much.
// Prints wall and CPU time per seek (p50, p95) and each build's stored bytes.
//
//   git archive <commit> server bench shared package.json | tar -x -C .tmp/base
//   node bench/replaySeekCompare.ts --base .tmp/base [--base-every 500] [--updates 100000] [--samples 200]
//
// `--base-every N`: the other build's room wrote a checkpoint every N updates (builds before
// checkpoints were spaced by size, such as abe5d63, need 500); without it, its room's own policy.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { seededRandom } from '@sandbox/shared'

type Build = {
  generateSession: (storage: never, id: string, opts: { updates: number; participants: number; checkpointEvery: number | null }) => Promise<{ start: number; end: number }>
  SqliteStorage: new (dir: string, opts: { synchronous: 'NORMAL' }) => { storedBytes(id: string): Promise<number>; close(): Promise<void> }
  stateAt: (storage: never, id: string, at: number) => Promise<Uint8Array>
}

async function load(root: string): Promise<Build> {
  const [bench, storage, history] = await Promise.all([
    import(path.join(root, 'bench/replaySeek.ts')),
    import(path.join(root, 'server/src/storage/SqliteStorage.ts')),
    import(path.join(root, 'server/src/replay/history.ts')),
  ])
  return { generateSession: bench.generateSession, SqliteStorage: storage.SqliteStorage, stateAt: history.stateAt }
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const baseRoot = arg('base')
if (!baseRoot) throw new Error('--base <checkout of the other build> is required')
const baseEvery = arg('base-every') ? Number(arg('base-every')) : null
const updates = Number(arg('updates') ?? 100_000)
const samples = Number(arg('samples') ?? 200)
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

const builds = [
  { name: 'base', build: await load(path.resolve(baseRoot)), every: baseEvery },
  { name: 'this', build: await load(here), every: null },
]
const opened = []
for (const b of builds) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `seek-${b.name}-`))
  const storage = new b.build.SqliteStorage(dir, { synchronous: 'NORMAL' })
  const { start, end } = await b.build.generateSession(storage as never, 's', { updates, participants: 20, checkpointEvery: b.every })
  await b.build.stateAt(storage as never, 's', end) // warm the statement cache and the JIT
  opened.push({ ...b, dir, storage, start, end, wall: [] as number[], cpu: [] as number[] })
}
const [first] = opened
const random = seededRandom(7)
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
for (let i = 0; i < samples; i++) {
  const moment = (first?.start ?? 0) + Math.floor(random() * ((first?.end ?? 0) - (first?.start ?? 0) + 1))
  for (const o of opened) {
    const [c, t] = [cpuMs(), performance.now()]
    await o.build.stateAt(o.storage as never, 's', moment)
    o.wall.push(performance.now() - t)
    o.cpu.push(cpuMs() - c)
  }
}
const p = (xs: number[], q: number) => ([...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)] ?? 0).toFixed(1)
for (const o of opened) {
  console.log(
    `${o.name}: seek wall p50 ${p(o.wall, 0.5)} ms, p95 ${p(o.wall, 0.95)} ms; CPU p50 ${p(o.cpu, 0.5)} ms, p95 ${p(o.cpu, 0.95)} ms; ` +
      `stored ${((await o.storage.storedBytes('s')) / 1e6).toFixed(1)} MB`,
  )
  await o.storage.close()
  fs.rmSync(o.dir, { recursive: true, force: true })
}
