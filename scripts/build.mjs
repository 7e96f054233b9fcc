// `npm run build` (and the build step of `npm start`): builds the client into client/dist, safely
// when several `npm start` run at once in one checkout (the processes of a deployment on one
// machine). One build at a time (a lock directory beside dist), each into a directory of its own,
// then swapped into place, so a process already serving client/dist never sees it emptied
// half-way. Extra arguments go to `vite build` (npm start passes `--logLevel error`).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const client = path.join(root, 'client')
const dist = path.join(client, 'dist')
const lock = path.join(client, '.build-lock')
const STALE_LOCK_MS = 5 * 60_000
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

for (let waited = 0; ; waited += 200) {
  try {
    fs.mkdirSync(lock)
    break
  } catch (error) {
    if (error.code !== 'EEXIST') throw error
    // A build that died (kill -9) leaves its lock behind: after a while it is not waited for.
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
    if (age > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true })
    if (waited === 2_000) process.stderr.write('Waiting for another build of the client to finish…\n')
    sleep(200)
  }
}
let status = 1
try {
  const out = path.join(client, `.dist-${process.pid}`)
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  status = spawnSync(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }).status ?? 1
  if (status === 0) {
    const old = path.join(client, `.dist-old-${process.pid}`)
    if (fs.existsSync(dist)) fs.renameSync(dist, old)
    fs.renameSync(out, dist)
    fs.rmSync(old, { recursive: true, force: true })
  } else {
    fs.rmSync(out, { recursive: true, force: true })
  }
} finally {
  fs.rmSync(lock, { recursive: true, force: true })
}
process.exit(status)
