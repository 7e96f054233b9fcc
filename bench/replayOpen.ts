// Replay cold open: a long session (default 100,000 updates, bench/replaySeek.ts's generator) is
// written into a data directory, a Sandbox server starts on it (nothing cached), and headless
// Chromium opens the replay link. Timed: navigation → the first drawn board (the page's
// `data-first-frame-ms` appears and a sticky is on screen: since the replay draws its first board
// as a preview without tldraw (client/src/replay/ReplayPreview.tsx), a sticky of the preview or of
// tldraw's canvas, whichever comes first; a client without the preview only has the canvas'),
// navigation → a sticky on tldraw's canvas (the figure before the preview), navigation → the
// canvas replacing the preview, and, for where the time goes, the
// server's first `/timeline` and first `/updates` chunk as the page saw them (resource timing),
// and the replay's JavaScript. Then a second server start on the same data answers the first
// `/timeline` alone, over HTTP, with nothing else running.
//
// A live room keeps the timeline's summary (server/src/replay/timelineSummary.ts) as it writes
// checkpoints; the generated session gets the one such a room leaves in the worst case: built up to
// SUMMARY_LAG updates before the log's end (a summary is written every 1,000 updates and
// checkpoints come every few hundred), so the first /timeline reads the summary and that tail.
// `--no-summary` leaves it out (every first /timeline reads the whole log).
//
//   node bench/replayOpen.ts [--updates 100000] [--rounds 3] [--client client/dist] [--data DIR] [--no-summary] [--warm] [--server CHECKOUT]
//   node bench/replayOpen.ts --timeline-in-process --data DIR [--rounds 6]
//
// --data: a data directory already holding the session (`--keep` prints one); it is copied, never
// written. Each round opens the replay on a freshly started server; figures are medians.
// --timeline-in-process: the first timeline in this process, from the summary and from the whole
// log, alternating, each on a freshly opened store.
// --warm: the browser first opens the replay once (on a server started for it), then again on a
// freshly started server, its cache warm (the page is reached through one fixed port, so the
// cache's addresses stay the same across server starts). --server: the checkout whose
// bench/servers/sandbox.ts runs the server (an A/B against another build; default this one).
import { fork } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { hashToken } from '../server/src/auth/tokens.ts'
import { TimelineIndex } from '../server/src/replay/timeline.ts'
import { SqliteStorage } from '../server/src/storage/SqliteStorage.ts'
import type { Storage } from '../server/src/storage/Storage.ts'
import { generateSession } from './replaySeek.ts'
import { CHROMIUM_PATH } from './scenarios/browser.ts'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const here = path.dirname(fileURLToPath(import.meta.url))

export interface ReplayOpenResult {
  updates: number
  /** Navigation → first board drawn (a sticky painted, the preview's or the canvas'), by the page's clock. */
  firstBoardMs: number
  /** The same from goto() to Playwright's waitFor seeing it (how it was measured before: in steps of its polling). */
  firstBoardWaitMs: number
  /** Navigation → a sticky painted on tldraw's canvas, by the page's clock (before the preview, this was the first board). */
  canvasStickyMs: number
  /** Navigation → the canvas replaced the preview, by the page's clock (null: a client without the preview). */
  swapMs: number | null
  /** What the page itself measured: its first render → first drawn frame. */
  pageFirstFrameMs: number
  /** The page's requests, from navigation start to their last byte (resource timing). */
  timelineRequestMs: number | null
  firstFeedChunkMs: number | null
  replayScriptsMs: number | null
  /** First `/timeline` on a freshly started server, alone, over HTTP. */
  timelineColdHttpMs: number
  /** goto → tldraw's canvas in the page (the editor started). */
  canvasMs: number | null
}

const SESSION_ID = 'bench_replay_open_00000000000000'
const PREVIEW_STICKY = '.replay-preview__note[data-shape-type="note"]'
const CANVAS_STICKY = '.tl-shape[data-shape-type="note"]'
const VIEWER = 'bench-viewer-token'

export interface ReplayOpenOptions {
  updates: number
  rounds?: number
  clientDir?: string
  /** A data directory that already holds the session; copied, not written. */
  fromDataDir?: string
  /** Keep the generated data directory (and print where) for later `--data` runs. */
  keep?: boolean
  /** Leave out the timeline summary a live room would have written. */
  noSummary?: boolean
  /** Open the replay once before the measured visit, so the browser's cache is warm. */
  warm?: boolean
  /** The checkout whose server runs (default: this one). */
  serverRoot?: string
}

interface Started {
  port: number
  stop(): Promise<void>
}

/** Starts `root`'s bench server (bench/servers/sandbox.ts) on the data directory. */
export async function startSandbox(root: string, dataDir: string, env: Record<string, string>): Promise<Started> {
  const child = fork(path.join(root, 'bench/servers/sandbox.ts'), [], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 60_000)
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)))
    child.on('message', (m) => {
      const msg = m as { type: string; port: number }
      if (msg.type === 'ready') {
        clearTimeout(timer)
        resolve(msg.port)
      }
    })
  })
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** One fixed local port passed on to whichever server runs now (so the browser's cache keys stay the same). */
async function forwarder(): Promise<{ url: string; target(port: number): void; close(): Promise<void> }> {
  let to = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    const upstream = net.connect(to, '127.0.0.1')
    for (const s of [socket, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        socket.destroy()
        upstream.destroy()
      })
    }
    socket.pipe(upstream).pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    target: (p) => {
      to = p
      for (const s of sockets) s.destroy()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Updates after the summary: the most a live room's summary lags its log. */
export const SUMMARY_LAG = 1_500

/** Writes the summary a live room would have left (up to SUMMARY_LAG updates before the end), unless one is stored. */
export async function writeRoomSummary(dataDir: string, sessionId = SESSION_ID): Promise<void> {
  const storage = new SqliteStorage(dataDir, { synchronous: 'NORMAL' })
  try {
    if (await storage.timelineSummary(sessionId)) return
    const until = (await storage.lastSeq(sessionId)) - SUMMARY_LAG
    // The log as the room saw it then: nothing after `until`.
    const then = Object.create(storage) as Storage
    then.updatesPage = (id, after, limits) => storage.updatesPage(id, after, { ...limits, untilSeq: Math.min(limits.untilSeq ?? Infinity, until) })
    const index = new TimelineIndex(then, { summaryEveryUpdates: 1 })
    await index.advance(sessionId)
    index.close()
    await index.settled()
  } finally {
    await storage.close()
  }
}

/** The first timeline in this process, from the summary and from the whole log (alternating rounds), each on a freshly opened store. */
export async function timelineInProcess(dataDir: string, rounds: number): Promise<{ summaryMs: number[]; fullMs: number[]; events: number }> {
  const summaryMs: number[] = []
  const fullMs: number[] = []
  let events = 0
  for (let i = 0; i < rounds * 2; i += 1) {
    const fromSummary = i % 2 === 0
    const storage = new SqliteStorage(dataDir, { synchronous: 'NORMAL' })
    const createdAt = (await storage.getSession(SESSION_ID))?.createdAt ?? 0
    const index = new TimelineIndex(storage, { summaries: fromSummary })
    const t = performance.now()
    const timeline = await index.timeline(SESSION_ID, createdAt)
    ;(fromSummary ? summaryMs : fullMs).push(Math.round(performance.now() - t))
    events = timeline.events.length
    index.close()
    await index.settled()
    await storage.close()
  }
  return { summaryMs, fullMs, events }
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
    if (!opts.noSummary && !opts.serverRoot) await writeRoomSummary(dataDir)
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
      firstBoardWaitMs: pick('firstBoardWaitMs') as number,
      canvasStickyMs: pick('canvasStickyMs') as number,
      swapMs: pick('swapMs'),
      pageFirstFrameMs: pick('pageFirstFrameMs') as number,
      timelineRequestMs: pick('timelineRequestMs'),
      firstFeedChunkMs: pick('firstFeedChunkMs'),
      replayScriptsMs: pick('replayScriptsMs'),
      timelineColdHttpMs: pick('timelineColdHttpMs') as number,
      canvasMs: pick('canvasMs'),
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function openOnce(dataDir: string, opts: ReplayOpenOptions): Promise<ReplayOpenResult> {
  const sessionId = SESSION_ID
  const viewer = VIEWER
  const root = opts.serverRoot ?? path.join(here, '..')
  const env: Record<string, string> = { CLIENT_DIR: path.resolve(opts.clientDir ?? path.join(here, '../client/dist')) }
  const proxy = await forwarder()
  let open: Omit<ReplayOpenResult, 'timelineColdHttpMs' | 'updates'>
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const visit = async () => {
      const page = await context.newPage()
      // When tldraw's canvas, the first sticky (the preview's, tldraw's) and the swap appear, by
      // the page's own clock (from navigation start), taken in the frame that paints them.
      // Playwright's own waits poll at 0, 20, 50, 100, 100 ms then every 500 ms: the figures
      // measured from here with waitFor (firstBoardWaitMs) come in steps of up to half a second.
      await page.addInitScript(() => {
        const marks: Record<string, number> = {}
        ;(window as unknown as { __replayMarks: Record<string, number> }).__replayMarks = marks
        const seen = new Set<string>()
        const visible = (selector: string) => [...document.querySelectorAll(selector)].some((e) => e.getClientRects().length > 0)
        const tests: Record<string, () => boolean> = {
          canvas: () => document.querySelector('.tl-canvas') !== null,
          previewSticky: () => visible('.replay-preview__note'),
          canvasSticky: () => visible('.tl-shape[data-shape-type="note"] .tl-note__container'),
          swap: () => document.querySelector('.replay-page[data-board="canvas"]') !== null,
        }
        new MutationObserver(() => {
          for (const [name, test] of Object.entries(tests)) {
            if (seen.has(name) || !test()) continue
            seen.add(name)
            requestAnimationFrame(() => (marks[name] = performance.now()))
          }
        }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-board', 'style', 'class'] })
      })
      const t0 = performance.now()
      await page.goto(`${proxy.url}/s/${sessionId}/replay?token=${viewer}`)
      await page.locator('.replay-page[data-first-frame-ms]').waitFor({ state: 'attached', timeout: 120_000 })
      await page.locator(`${PREVIEW_STICKY}, ${CANVAS_STICKY}`).first().waitFor({ state: 'visible', timeout: 120_000 })
      const firstBoardWaitMs = performance.now() - t0
      await page.locator(CANVAS_STICKY).first().waitFor({ state: 'visible', timeout: 120_000 })
      const canvasStickyWaitMs = performance.now() - t0
      const previewed = (await page.locator('.replay-page[data-board]').count()) > 0
      if (previewed) await page.locator('.replay-page[data-board="canvas"]').waitFor({ state: 'attached', timeout: 120_000 })
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
      const marks = await page.evaluate(() => (window as unknown as { __replayMarks: Record<string, number> }).__replayMarks)
      const canvasStickyMs = marks.canvasSticky ?? canvasStickyWaitMs
      const firstBoardMs = Math.min(marks.previewSticky ?? Infinity, canvasStickyMs)
      const swapMs = previewed ? (marks.swap ?? null) : null
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
          canvasMs: (window as unknown as { __replayMarks: Record<string, number> }).__replayMarks.canvas ?? null,
        }
      })
      await page.close()
      return { firstBoardMs, firstBoardWaitMs, canvasStickyMs, swapMs, pageFirstFrameMs, ...timing }
    }
    if (opts.warm) {
      const first = await startSandbox(root, dataDir, env)
      proxy.target(first.port)
      try {
        await visit()
      } finally {
        await first.stop()
      }
    }
    const server = await startSandbox(root, dataDir, env)
    proxy.target(server.port)
    try {
      open = await visit()
    } finally {
      await server.stop()
    }
  } finally {
    await browser.close()
  }

  // The first /timeline alone, on a server that has never built it.
  const again = await startSandbox(root, dataDir, env)
  let timelineColdHttpMs: number
  try {
    const t = performance.now()
    const response = await fetch(`http://127.0.0.1:${again.port}/api/sessions/${sessionId}/timeline`, { headers: { Authorization: `Bearer ${viewer}` } })
    if (!response.ok) throw new Error(`/timeline answered ${response.status}`)
    await response.json()
    timelineColdHttpMs = performance.now() - t
  } finally {
    await again.stop()
    await proxy.close()
  }
  const round = (ms: number | null) => (ms === null ? null : Math.round(ms))
  return {
    updates: opts.updates,
    firstBoardMs: Math.round(open.firstBoardMs),
    firstBoardWaitMs: Math.round(open.firstBoardWaitMs),
    canvasStickyMs: Math.round(open.canvasStickyMs),
    swapMs: round(open.swapMs),
    pageFirstFrameMs: open.pageFirstFrameMs,
    timelineRequestMs: round(open.timelineRequestMs),
    firstFeedChunkMs: round(open.firstFeedChunkMs),
    replayScriptsMs: round(open.replayScriptsMs),
    timelineColdHttpMs: Math.round(timelineColdHttpMs),
    canvasMs: round(open.canvasMs),
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const client = arg('client')
  const data = arg('data')
  if (process.argv.includes('--timeline-in-process')) {
    if (!data) throw new Error('--timeline-in-process needs --data DIR')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-replay-timeline-'))
    fs.cpSync(data, dir, { recursive: true })
    await writeRoomSummary(dir)
    console.log(JSON.stringify(await timelineInProcess(dir, Number(arg('rounds') ?? 6))))
    fs.rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  }
  const result = await runReplayOpenBench({
    updates: Number(arg('updates') ?? 100_000),
    rounds: Number(arg('rounds') ?? 1),
    keep: process.argv.includes('--keep'),
    noSummary: process.argv.includes('--no-summary'),
    warm: process.argv.includes('--warm'),
    ...(arg('server') ? { serverRoot: path.resolve(arg('server') as string) } : {}),
    ...(client ? { clientDir: client } : {}),
    ...(data ? { fromDataDir: data } : {}),
  })
  console.log(JSON.stringify(result, null, 2))
  process.exit(0)
}
