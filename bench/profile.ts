// Profiles one server under one fan-out shape: `node bench/profile.ts sandbox crowd [seconds]`.
// Writes a .cpuprofile (open it in Chrome DevTools) and prints the top self-time functions.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startPeer, type PeerName } from './peers.ts'
import { FANOUT_SHAPES, runFanout, type FanoutShape } from './scenarios/fanout.ts'

const [peer = 'sandbox', shape = 'crowd', seconds = '10'] = process.argv.slice(2)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-prof-'))
const server = await startPeer(peer as PeerName, { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`], env: FANOUT_SHAPES[shape as FanoutShape].serverEnv })
const result = await runFanout(server, shape as FanoutShape, Number(seconds) * 1000)
await server.stop()
console.log(JSON.stringify(result))

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (!file) throw new Error('no profile written')
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: Node[] }
const self = new Map<string, number>()
let total = 0
for (const n of profile.nodes) {
  const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${n.callFrame.lineNumber + 1}`
  self.set(where, (self.get(where) ?? 0) + n.hitCount)
  total += n.hitCount
}
for (const [where, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${where}`)
console.log(`profile: ${path.join(dir, file)}`)
