// Replay cold open: a long session (default 100,000 updates, bench/replaySeek.ts's generator) is
// written into a data directory, a Sandbox server starts on it (nothing cached), and headless
// Chromium opens the replay link. Timed: navigation → the first drawn board (the page's
// `data-first-frame-ms` appears and a sticky is on the canvas), and, for where the time goes, the
// server's first `/timeline` and first `/updates` chunk as the page saw them (resource timing),
// and the replay's JavaScript. Then a second server start on the same data answers the first
// `/timeline` alone, over HTTP, with nothing else running.
//
//   node bench/replayOpen.ts [--updates 100000] [--rounds 3] [--client client/dist] [--data DIR]
//
// --data: a data directory already holding the session (`--keep` prints one); it is copied, never
// written. Each round opens the replay on a freshly started server; figures are medians.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { hashToken } from '../server/src/auth/tokens.ts'
import { SqliteStorage } from '../server/src/storage/SqliteStorage.ts'
import { startPeer } from './peers.ts'
import { generateSession } from './replaySeek.ts'
import { CHROMIUM_PATH } from './scenarios/browser.ts'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const here = path.dirname(fileURLToPath(import.meta.url))

export interface ReplayOpenResult {
  updates: number
  /** goto(replay link) → first board drawn (a sticky visible). */
  firstBoardMs: number
  /** What the page itself measured: its first render → first drawn frame. */
  pageFirstFrameMs: number
  /** The page's requests, from navigation start to their last byte (resource timing). */
  timelineRequestMs: number | null
  firstFeedChunkMs: number | null
  replayScriptsMs: number | null
  /** First `/timeline` on a freshly started server, alone, over HTTP. */
  timelineColdHttpMs: number
}

const SESSION_ID = 'bench_replay_open_00000000000000'
const VIEWER = 'bench-viewer-token'

export interface ReplayOpenOptions {
  updates: number
  rounds?: number
  clientDir?: string
  /** A data directory that already holds the session; copied, not written. */
  fromDataDir?: string
  /** Keep the generated data directory (and print where) for later `--data` runs. */
  keep?: boolean
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN

export async function runReplayOpenBench(opts: ReplayOpenOptions): Promise<ReplayOpenResult & { rounds: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-replay-open-'))
  try {
    if (opts.fromDataDir) fs.cpSync(opts.fromDataDir, dataDir, { recursive: true })
    else {
      const storage = new SqliteStorage(dataDir, { synchronous: 'NORMAL' })
      await generateSession(storage, SESSION_ID, {
        updates: opts.updates,
        participants: 20,
        checkpointEvery: 500,
        tokenHashes: { participant: hashToken('bench-participant-token'), facilitator: hashToken('bench-facilitator-token'), viewer: hashToken(VIEWER) },
      })
      await storage.close()
      if (opts.keep) {
        const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-replay-open-kept-'))
        fs.cpSync(dataDir, kept, { recursive: true })
        console.error(`data kept in ${kept}`)
      }
    }
    const runs: ReplayOpenResult[] = []
    for (let i = 0; i < (opts.rounds ?? 1); i += 1) runs.push(await openOnce(dataDir, opts))
    const pick = <K extends keyof ReplayOpenResult>(key: K) => {
      const values = runs.map((r) => r[key]).filter((v): v is number => typeof v === 'number')
      return values.length ? Math.round(median(values)) : null
    }
    return {
      updates: opts.updates,
      rounds: runs.length,
      firstBoardMs: pick('firstBoardMs') as number,
      pageFirstFrameMs: pick('pageFirstFrameMs') as number,
      timelineRequestMs: pick('timelineRequestMs'),
      firstFeedChunkMs: pick('firstFeedChunkMs'),
      replayScriptsMs: pick('replayScriptsMs'),
      timelineColdHttpMs: pick('timelineColdHttpMs') as number,
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function openOnce(dataDir: string, opts: ReplayOpenOptions): Promise<ReplayOpenResult> {
  const sessionId = SESSION_ID
  const viewer = VIEWER
  const env: Record<string, string> = { CLIENT_DIR: path.resolve(opts.clientDir ?? path.join(here, '../client/dist')) }
  const server = await startPeer('sandbox', { dataDir, env })
  let open: Omit<ReplayOpenResult, 'timelineColdHttpMs' | 'updates'>
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const t0 = performance.now()
    await page.goto(`${server.httpUrl}/s/${sessionId}/replay?token=${viewer}`)
    await page.locator('.replay-page[data-first-frame-ms]').waitFor({ state: 'attached', timeout: 120_000 })
    await page.locator('.tl-shape[data-shape-type="note"]').first().waitFor({ state: 'visible', timeout: 120_000 })
    const firstBoardMs = performance.now() - t0
    const pageFirstFrameMs = Number(await page.locator('.replay-page').getAttribute('data-first-frame-ms'))
    const timing = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
      // Timings from navigation start; a request still under way when the board appeared has none.
      const first = (test: (name: string) => boolean) => entries.find((e) => test(e.name))?.responseEnd ?? null
      const scripts = entries.filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
      return {
        timelineRequestMs: first((n) => n.includes('/timeline')),
        firstFeedChunkMs: first((n) => n.includes('/updates?after=0&')),
        replayScriptsMs: scripts.length ? Math.max(...scripts.map((e) => e.responseEnd)) : null,
      }
    })
    open = { firstBoardMs, pageFirstFrameMs, ...timing }
  } finally {
    await browser.close()
    await server.stop()
  }

  // The first /timeline alone, on a server that has never built it.
  const again = await startPeer('sandbox', { dataDir, env })
  let timelineColdHttpMs: number
  try {
    const t = performance.now()
    const response = await fetch(`${again.httpUrl}/api/sessions/${sessionId}/timeline`, { headers: { Authorization: `Bearer ${viewer}` } })
    if (!response.ok) throw new Error(`/timeline answered ${response.status}`)
    await response.json()
    timelineColdHttpMs = performance.now() - t
  } finally {
    await again.stop()
  }
  const round = (ms: number | null) => (ms === null ? null : Math.round(ms))
  return {
    updates: opts.updates,
    firstBoardMs: Math.round(open.firstBoardMs),
    pageFirstFrameMs: open.pageFirstFrameMs,
    timelineRequestMs: round(open.timelineRequestMs),
    firstFeedChunkMs: round(open.firstFeedChunkMs),
    replayScriptsMs: round(open.replayScriptsMs),
    timelineColdHttpMs: Math.round(timelineColdHttpMs),
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const client = arg('client')
  const data = arg('data')
  const result = await runReplayOpenBench({
    updates: Number(arg('updates') ?? 100_000),
    rounds: Number(arg('rounds') ?? 1),
    keep: process.argv.includes('--keep'),
    ...(client ? { clientDir: client } : {}),
    ...(data ? { fromDataDir: data } : {}),
  })
  console.log(JSON.stringify(result, null, 2))
  process.exit(0)
}
