// Scenario 5 (Sandbox only; the peers have no UI): headless Chromium opens a join link to a board
// of 2,000 stickies, and we time it to a usable board; then we count the bytes the page sends on
// its websocket (CDP Network.webSocketFrameSent) while dragging one sticky and while drawing.
// Then, per board size (2,000 and 5,000 stickies), a returning participant (name and key in
// localStorage, the board's IndexedDB copy from the first visit) opens the link again, and we time
// navigation → a sticky they create is on the board in edit mode; and the frame rate while they
// pan and zoom (requestAnimationFrame timestamps in the page).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { addStickies } from '../docs.ts'
import type { ServerHandle } from '../peers.ts'
import { waitUntil } from '../stats.ts'
import { BenchClient } from '../wire.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const CLIENT_INDEX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client/dist/index.html')

export interface BrowserResult {
  stickies: number
  /** goto(join link) → the name dialog is ready. */
  pageReadyMs: number
  /** "Join board" clicked → connection "Live" and stickies on the canvas. */
  joinToBoardMs: number
  /** Both: opening the link to a usable board, without the time a person takes to type a name. */
  openToUsableMs: number
  dragBytesPerSecond: number
  drawBytesPerSecond: number
  dragFrames: number
  drawFrames: number
  returning: ReturningResult[]
}

export interface ReturningResult {
  stickies: number
  /** Navigation → the tldraw canvas is on the page. */
  openToCanvasMs: number
  /** Navigation → a sticky this person creates (note tool, click) is on the board in edit mode. */
  openToAddMs: number
  /** Navigation → the connection says "Live". */
  openToLiveMs: number
  /** The page's main-thread busy time (CDP Performance TaskDuration) from navigation to the sticky
   * added, and the part of it in script: less swayed by other processes than wall time. */
  mainThreadMs: number
  scriptMs: number
  /** While panning and zooming: frames per second (median over 1 s windows), frame time p95 and max. */
  panFps: number
  panFrameP95Ms: number
  panFrameMaxMs: number
  panFrames: number
}

export interface BrowserOptions {
  stickies: number
  gestureMs: number
  /** Board sizes a returning participant opens. */
  returningStickies: number[]
  panMs: number
}

/** Why the scenario cannot run here, or null. */
export function browserUnavailable(): string | null {
  if (!fs.existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH}`
  if (!fs.existsSync(CLIENT_INDEX)) return 'client not built (run `npm run build`)'
  return null
}

const SEED_CHUNK = 1_500

/**
 * A board of `stickies`, written by one participant per 1,500 stickies: one update of 5,000
 * (2.6 MB) is over the server's message limit (MAX_MESSAGE_BYTES, 1 MiB), and one connection
 * may add 2,000 records at once before the server meters it (BoardLimits.NEW_RECORDS_BURST).
 */
export async function seedBoard(server: ServerHandle, stickies: number): Promise<string> {
  const seeders = Math.max(1, Math.ceil(stickies / SEED_CHUNK))
  const { targets, joinUrl } = await server.prepareRoom(seeders, { acks: true })
  for (let i = 0; i < seeders; i++) {
    const seeder = new BenchClient(targets[i] as BenchClient['target'])
    let saved = 0
    seeder.onSaved = (clock) => (saved = clock)
    await waitUntil(() => seeder.syncedAt !== null, 'seeder sync')
    const start = i * SEED_CHUNK
    addStickies(seeder.doc, Math.min(SEED_CHUNK, stickies - start), 'b', start)
    const clock = seeder.ownClock
    await waitUntil(() => saved >= clock, 'board saved', 60_000)
    seeder.close()
  }
  if (!joinUrl) throw new Error('no join link')
  return joinUrl
}

/** Bytes the page sends on websockets while `act` runs, per second. */
async function sentWhile(page: Page, act: () => Promise<void>): Promise<{ perSecond: number; frames: number }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  let bytes = 0
  let frames = 0
  let counting = false
  cdp.on('Network.webSocketFrameSent', (e) => {
    if (!counting) return
    frames++
    // Binary frames (opcode 2) arrive base64-encoded; text frames as they are.
    const data = e.response.payloadData
    bytes += e.response.opcode === 2 ? Buffer.from(data, 'base64').length : Buffer.byteLength(data)
  })
  counting = true
  const start = performance.now()
  await act()
  await page.waitForTimeout(300) // let throttled sends go out
  counting = false
  const seconds = (performance.now() - start) / 1000
  await cdp.detach()
  return { perSecond: bytes / seconds, frames }
}

async function stroke(page: Page, from: { x: number; y: number }, ms: number): Promise<void> {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  const steps = Math.round((ms / 1000) * 60)
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + 200 * Math.sin(i / 15), from.y + 120 * Math.cos(i / 11), { steps: 1 })
    await page.waitForTimeout(1000 / 60)
  }
  await page.mouse.up()
}

export async function runBrowser(server: ServerHandle, opts: BrowserOptions): Promise<BrowserResult> {
  const joinUrl = await seedBoard(server, opts.stickies)
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const t0 = performance.now()
    await page.goto(joinUrl)
    const nameBox = page.getByRole('textbox', { name: 'Your name' })
    await nameBox.waitFor({ state: 'visible', timeout: 60_000 })
    const pageReadyMs = performance.now() - t0
    await nameBox.fill('Bench')
    const t1 = performance.now()
    await page.getByRole('button', { name: 'Join board' }).click()
    await page.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 })
    const note = page.locator('.tl-shape[data-shape-type="note"]').first()
    await note.waitFor({ state: 'visible', timeout: 60_000 })
    const joinToBoardMs = performance.now() - t1

    await page.keyboard.press('Escape')
    await page.keyboard.press('v')
    const box = await note.boundingBox()
    if (!box) throw new Error('no sticky on screen to drag')
    const drag = await sentWhile(page, () => stroke(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, opts.gestureMs))
    await page.keyboard.press('Escape')
    await page.keyboard.press('d')
    const draw = await sentWhile(page, () => stroke(page, { x: 640, y: 400 }, opts.gestureMs))
    await page.close()
    const returning: ReturningResult[] = []
    for (const stickies of opts.returningStickies) {
      returning.push(await runReturning(browser, await seedBoard(server, stickies), { stickies, panMs: opts.panMs }))
    }
    return {
      returning,
      stickies: opts.stickies,
      pageReadyMs,
      joinToBoardMs,
      openToUsableMs: pageReadyMs + joinToBoardMs,
      dragBytesPerSecond: drag.perSecond,
      drawBytesPerSecond: draw.perSecond,
      dragFrames: drag.frames,
      drawFrames: draw.frames,
    }
  } finally {
    await browser.close()
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number)
}

/** The first visit: name dialog, join, board live; the IndexedDB copy is written meanwhile. */
async function firstVisit(page: Page, joinUrl: string): Promise<void> {
  await page.goto(joinUrl)
  const nameBox = page.getByRole('textbox', { name: 'Your name' })
  await nameBox.waitFor({ state: 'visible', timeout: 60_000 })
  await nameBox.fill('Returning')
  await page.getByRole('button', { name: 'Join board' }).click()
  await page.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Live' }).waitFor({ timeout: 300_000 })
  await page.locator('.tl-shape[data-shape-type="note"]').first().waitFor({ state: 'visible', timeout: 300_000 })
  // y-indexeddb stores the synced state as it arrives; give its write a moment to commit.
  await page.waitForTimeout(1_000)
}

export interface ReturningOptions {
  stickies: number
  panMs: number
  /** Writes a CPU profile (.cpuprofile) of navigation → sticky added to this path. */
  profilePath?: string
}

/** Navigation → the sticky this person adds is on the board (edit mode), in a fresh tab of the same profile. */
export async function openAndAdd(page: Page, joinUrl: string, profilePath?: string): Promise<Omit<ReturningResult, 'stickies' | 'panFps' | 'panFrameP95Ms' | 'panFrameMaxMs' | 'panFrames'>> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const metrics = async (): Promise<{ task: number; script: number }> => {
    const { metrics: list } = await cdp.send('Performance.getMetrics')
    const get = (name: string) => (list.find((m) => m.name === name)?.value ?? 0) * 1000
    return { task: get('TaskDuration'), script: get('ScriptDuration') }
  }
  const before = await metrics()
  if (profilePath) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
    await cdp.send('Profiler.start')
  }
  const t0 = performance.now()
  let openToLiveMs = NaN
  // The top bar's connection status, found by its class: a role query walks the whole board's DOM
  // on every poll, and its cost would land in the page's time being measured.
  const live = page
    .locator('.connection--live')
    .waitFor({ timeout: 300_000 })
    .then(() => (openToLiveMs = performance.now() - t0))
  await page.goto(joinUrl)
  const canvas = page.locator('.tl-canvas')
  await canvas.waitFor({ state: 'visible', timeout: 300_000 })
  const openToCanvasMs = performance.now() - t0
  // The same steps as a person: the note tool, a click on the canvas; the new sticky opens for typing.
  await page.getByRole('button', { name: /^Note\b/ }).click({ timeout: 300_000 })
  const box = await canvas.boundingBox()
  if (!box) throw new Error('no canvas')
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
  await page.locator('.tl-shape[data-shape-type="note"] [contenteditable="true"]').waitFor({ state: 'visible', timeout: 300_000 })
  const openToAddMs = performance.now() - t0
  const after = await metrics()
  if (profilePath) {
    const { profile } = await cdp.send('Profiler.stop')
    fs.writeFileSync(profilePath, JSON.stringify(profile))
  }
  await cdp.detach()
  await page.keyboard.type('new', { delay: 10 })
  await page.keyboard.press('Escape')
  await page.keyboard.press('Escape')
  await live
  return { openToCanvasMs, openToAddMs, openToLiveMs, mainThreadMs: after.task - before.task, scriptMs: after.script - before.script }
}

/**
 * Pans (wheel) and zooms (ctrl + wheel) for `ms`, back and forth over the board, while the page
 * records every requestAnimationFrame timestamp.
 */
export async function panAndZoom(page: Page, ms: number, profilePath?: string): Promise<{ fps: number; p95: number; max: number; frames: number }> {
  const cdp = profilePath ? await page.context().newCDPSession(page) : null
  await page.keyboard.press('v')
  const box = await page.locator('.tl-canvas').boundingBox()
  if (!box) throw new Error('no canvas')
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean }
    w.__frames = []
    w.__counting = true
    const tick = (t: number) => {
      if (!w.__counting) return
      w.__frames.push(t)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
  if (cdp) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
    await cdp.send('Profiler.start')
  }
  const start = performance.now()
  let i = 0
  // First half: pan in a slow circle; second half: zoom out and back in.
  while (performance.now() - start < ms / 2) {
    await page.mouse.wheel(60 * Math.cos(i / 20), 60 * Math.sin(i / 20))
    await page.waitForTimeout(16)
    i++
  }
  await page.keyboard.down('Control')
  i = 0
  while (performance.now() - start < ms) {
    await page.mouse.wheel(0, (Math.floor(i / 40) % 2 === 0 ? 1 : -1) * 40)
    await page.waitForTimeout(16)
    i++
  }
  await page.keyboard.up('Control')
  if (cdp && profilePath) {
    const { profile } = await cdp.send('Profiler.stop')
    fs.writeFileSync(profilePath, JSON.stringify(profile))
    await cdp.detach()
  }
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean }
    w.__counting = false
    return w.__frames
  })
  const gaps = frames.slice(1).map((t, k) => t - (frames[k] as number))
  // Frames per second per whole second of the gesture, then the median of those.
  const perSecond: number[] = []
  const first = frames[0] ?? 0
  for (const t of frames) {
    const s = Math.floor((t - first) / 1000)
    perSecond[s] = (perSecond[s] ?? 0) + 1
  }
  const full = perSecond.slice(0, Math.max(1, Math.floor(((frames.at(-1) ?? first) - first) / 1000)))
  return { fps: median(full.map((n) => n ?? 0)), p95: quantile(gaps, 0.95), max: Math.max(0, ...gaps), frames: frames.length }
}

/** A returning participant: first visit in one tab, closed, then the link opened again in a new tab. */
export async function runReturning(browser: Browser, joinUrl: string, opts: ReturningOptions): Promise<ReturningResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  try {
    const first = await context.newPage()
    await firstVisit(first, joinUrl)
    await first.close()
    const page = await context.newPage()
    const opened = await openAndAdd(page, joinUrl, opts.profilePath)
    const pan = await panAndZoom(page, opts.panMs, opts.profilePath?.replace(/\.cpuprofile$/, '.pan.cpuprofile'))
    return { stickies: opts.stickies, ...opened, panFps: pan.fps, panFrameP95Ms: pan.p95, panFrameMaxMs: pan.max, panFrames: pan.frames }
  } finally {
    await context.close()
  }
}
