// Scenario 5 (Sandbox only; the peers have no UI): headless Chromium opens a join link to a board
// of 2,000 stickies, and we time it to a usable board; then we count the bytes the page sends on
// its websocket (CDP Network.webSocketFrameSent) while dragging one sticky and while drawing.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { chromium, type Page } from 'playwright-core'
import { boardUpdate } from '../docs.ts'
import type { ServerHandle } from '../peers.ts'
import { waitUntil } from '../stats.ts'
import { BenchClient } from '../wire.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
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
}

/** Why the scenario cannot run here, or null. */
export function browserUnavailable(): string | null {
  if (!fs.existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH}`
  if (!fs.existsSync(CLIENT_INDEX)) return 'client not built (run `npm run build`)'
  return null
}

async function seedBoard(server: ServerHandle, stickies: number): Promise<string> {
  const { targets, joinUrl } = await server.prepareRoom(1, { acks: true })
  const seeder = new BenchClient(targets[0] as BenchClient['target'])
  let saved = 0
  seeder.onSaved = (clock) => (saved = clock)
  await waitUntil(() => seeder.syncedAt !== null, 'seeder sync')
  Y.applyUpdate(seeder.doc, boardUpdate(stickies, 'b'))
  const clock = seeder.ownClock
  await waitUntil(() => saved >= clock, 'board saved', 60_000)
  seeder.close()
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

export async function runBrowser(server: ServerHandle, opts: { stickies: number; gestureMs: number }): Promise<BrowserResult> {
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
    return {
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
