// A returning participant opening a big board, two builds of the client side by side: one Sandbox
// server per build (the same server code, CLIENT_DIR pointing at each build), rounds alternating
// between them so both see the same machine load. Prints each round and the medians; with
// --profile DIR, also writes a CPU profile (.cpuprofile) of each build's open → sticky added.
//
//   npx vite build --outDir /tmp/dist-base   (in the other checkout)
//   node bench/browserCompare.ts --base /tmp/dist-base [--head client/dist] [--stickies 2000,5000] [--rounds 3] [--pan-ms 3000] [--profile DIR]
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { startPeer } from './peers.ts'
import { CHROMIUM_ARGS, CHROMIUM_PATH, runReturning, seedBoard, type ReturningResult } from './scenarios/browser.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const here = path.dirname(new URL(import.meta.url).pathname)
const base = arg('base')
if (!base) throw new Error('--base <built client directory> is required')
const head = path.resolve(arg('head') ?? path.join(here, '../client/dist'))
const sizes = (arg('stickies') ?? '2000,5000').split(',').map(Number)
const rounds = Number(arg('rounds') ?? 3)
const panMs = Number(arg('pan-ms') ?? 3000)
const profileDir = arg('profile')
if (profileDir) fs.mkdirSync(profileDir, { recursive: true })

const builds = [
  { name: 'base', dir: path.resolve(base) },
  { name: 'head', dir: head },
]
const servers = await Promise.all(builds.map((b) => startPeer('sandbox', { env: { CLIENT_DIR: b.dir } })))
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
const results = new Map<string, ReturningResult[]>()
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}
const fmt = (r: ReturningResult): string =>
  `canvas ${r.openToCanvasMs.toFixed(0)} ms, add ${r.openToAddMs.toFixed(0)} ms, live ${r.openToLiveMs.toFixed(0)} ms, ` +
  `main thread ${r.mainThreadMs.toFixed(0)} ms (script ${r.scriptMs.toFixed(0)}), ` +
  `pan ${r.panFps.toFixed(1)} fps (p95 ${r.panFrameP95Ms.toFixed(1)} ms, max ${r.panFrameMaxMs.toFixed(0)} ms, ${r.panFrames} frames)`
try {
  for (let round = 0; round < rounds; round++) {
    for (const stickies of sizes) {
      // Alternate which build goes first from round to round.
      const order = round % 2 === 0 ? [0, 1] : [1, 0]
      for (const i of order) {
        const build = builds[i] as (typeof builds)[number]
        const server = servers[i] as Awaited<ReturnType<typeof startPeer>>
        const joinUrl = await seedBoard(server, stickies)
        const profilePath = profileDir && round === 0 ? path.join(profileDir, `${build.name}-${stickies}.cpuprofile`) : undefined
        const key = `${build.name} ${stickies}`
        let r: ReturningResult
        try {
          r = await runReturning(browser, joinUrl, { stickies, panMs, ...(profilePath ? { profilePath } : {}) })
        } catch (error) {
          console.log(`round ${round + 1} ${key}: failed (${(error as Error).message.split('\n')[0]})`)
          continue
        }
        results.set(key, [...(results.get(key) ?? []), r])
        console.log(`round ${round + 1} ${key}: ${fmt(r)}`)
      }
    }
  }
  console.log('\nmedians:')
  for (const [key, rs] of results) {
    const m = (pick: (r: ReturningResult) => number) => median(rs.map(pick))
    console.log(
      `${key}: canvas ${m((r) => r.openToCanvasMs).toFixed(0)} ms, add ${m((r) => r.openToAddMs).toFixed(0)} ms, live ${m((r) => r.openToLiveMs).toFixed(0)} ms, ` +
        `main thread ${m((r) => r.mainThreadMs).toFixed(0)} ms (script ${m((r) => r.scriptMs).toFixed(0)}), ` +
        `pan ${m((r) => r.panFps).toFixed(1)} fps, frame p95 ${m((r) => r.panFrameP95Ms).toFixed(1)} ms (${rs.length} rounds)`,
    )
  }
} finally {
  await browser.close()
  await Promise.all(servers.map((s) => s.stop()))
}
