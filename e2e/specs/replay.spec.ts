// Issue "replay past sessions": a short session recorded through stock y-websocket clients that
// write records the way the board binding does, then replayed: empty at the start, only the early
// stickies in the middle, everything (and the task) at the end, phase markers, and read-only.
import type { Page } from '@playwright/test'
import * as Y from 'yjs'
import { recordToYMap, Root, type Task } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { test, expect, type CreatedSession } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { stockFacilitator } from '../fixtures/stockClient.ts'
import { ReplayPage } from '../pages/ReplayPage.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const noteRecord = (id: string, x: number, text: string, index: string): Record<string, unknown> => stickyRecord({ id, x, y: 200, text, index })

/** Records the session; returns the moment between the early stickies and the rest. */
async function recordSession(baseURL: string, session: CreatedSession): Promise<{ middle: number }> {
  const { doc, participantId, destroy } = await stockFacilitator(baseURL, session, 'Host')
  const records = doc.getMap<Y.Map<unknown>>(Root.records)
  const session_ = doc.getMap(Root.session)
  const addSticky = (id: string, x: number, text: string, index: string) => records.set(id, recordToYMap(noteRecord(id, x, text, index)))

  // Open voting, so the dots show as they are cast (new sessions vote blind until the reveal).
  session_.set('hideVotes', false)
  await sleep(400)
  addSticky('shape:early1', 100, 'Early idea one', 'a2')
  await sleep(400)
  addSticky('shape:early2', 350, 'Early idea two', 'a3')
  await sleep(1_200)
  const middle = Date.now()
  await sleep(1_200)
  session_.set('phase', 'frame')
  await sleep(400)
  addSticky('shape:late', 600, 'Late idea', 'a4')
  for (const phase of ['collaborate', 'converge'] as const) session_.set('phase', phase)
  doc.getMap(Root.votes).set(`${participantId}|shape:late`, 2)
  session_.set('phase', 'split')
  await sleep(400)
  // Far from the others: the replay has to move its view to keep it in sight.
  records.set('shape:far', recordToYMap(stickyRecord({ id: 'shape:far', x: 1500, y: 700, text: 'Far idea', index: 'a5' })))
  await sleep(400)
  const task: Task = {
    id: 'task_late', title: 'Late idea', ownerId: null, ownerName: null, ownerColor: null, ownerSource: null,
    status: 'todo', note: '', description: '', sourceShapeIds: ['shape:late'], createdAt: Date.now(),
  }
  doc.getMap(Root.tasks).set(task.id, task)
  // Everything must be stored before the replay reads it: wait until the log has the task.
  await expect
    .poll(async () => (await fetch(`${baseURL}/api/sessions/${session.id}/timeline?token=${session.tokens.viewer}`).then((r) => r.json())).events.some((e: { type: string }) => e.type === 'task'))
    .toBe(true)
  destroy()
  return { middle }
}

test('replaying a session: opens on the first sticky, empty at the start, early stickies midway, everything at the end', async ({ server, session, newPerson }) => {
  const { middle } = await recordSession(server.baseURL, session)
  const viewer = await newPerson()
  const replay = new ReplayPage(viewer.page)
  await replay.goto(session.id, session.tokens.viewer)

  // It opens where something first happened (the first sticky), not on an empty board at 0:00.
  await expect(replay.note('Early idea one')).toHaveCount(1)
  await expect(replay.notes()).toHaveCount(1)
  await expect(replay.phase).toHaveText('Warm-up')

  // At the session's start the board is empty.
  const { start } = (await (await fetch(`${server.baseURL}/api/sessions/${session.id}/timeline?token=${session.tokens.viewer}`)).json()) as { start: number }
  await replay.scrubTo(start)
  await expect(replay.notes()).toHaveCount(0)
  await expect(replay.phase).toHaveText('Warm-up')

  // Phase changes are marked on the timeline.
  await expect(replay.marker(/^Phase: Frame/)).toHaveCount(1)
  await expect(replay.marker(/^Phase: Split/)).toHaveCount(1)
  await expect(replay.marker(/^Task created: Late idea/)).toHaveCount(1)

  // Scrubbing to the middle shows only the early stickies, and the URL carries the moment.
  await replay.scrubTo(middle)
  await expect(replay.note('Early idea one')).toHaveCount(1)
  await expect(replay.note('Early idea two')).toHaveCount(1)
  await expect(replay.note('Late idea')).toHaveCount(0)
  await expect(replay.present).toContainText('Host')
  await expect.poll(() => new URL(viewer.page.url()).searchParams.get('t')).toBe(String(middle))

  // Playing to the end shows all of them and the task.
  await replay.speed('4×').click()
  await replay.play.click()
  await expect(replay.note('Late idea')).toHaveCount(1, { timeout: 15_000 })
  await expect(replay.play).toBeVisible({ timeout: 15_000 })
  await expect(replay.notes()).toHaveCount(4)
  await expect(replay.tasks).toContainText('Late idea')
  await expect(replay.phase).toHaveText('Split')

  // Badges as on the live board: the dots the sticky got, and its task's owner (none yet).
  const badges = viewer.page.locator('.replay-badges .sticky-badges[data-sticky-id="shape:late"]')
  await expect(badges.getByTestId('vote-badge')).toHaveText('2')
  await expect(badges.getByTestId('owner-badge')).toHaveText('No owner yet')

  // The view followed the board as it grew: the far sticky is in sight, inside the canvas.
  const far = await replay.note('Far idea').boundingBox()
  const canvasBox = await viewer.page.locator('.tl-canvas').boundingBox()
  expect(far && canvasBox && far.x >= canvasBox.x && far.y >= canvasBox.y && far.x + far.width <= canvasBox.x + canvasBox.width && far.y + far.height <= canvasBox.y + canvasBox.height).toBe(true)
  // The first marker's tooltip, beside it: inside the track, clear of the step buttons.
  await replay.marker(/^Phase: Warm-up/).hover()
  const [badgeBox, lateBox] = [await badges.getByTestId('vote-badge').boundingBox(), await replay.note('Late idea').boundingBox()]
  // On its sticky's top-right corner, as on the live board.
  expect(badgeBox && lateBox && Math.abs(badgeBox.x + badgeBox.width - (lateBox.x + lateBox.width)) < 20 && Math.abs(badgeBox.y - lateBox.y) < 20).toBe(true)
  await snap(viewer.page, 'replay-polished', { parkPointer: false })

  // The board is read-only: no drawing tools, and the keyboard shortcut creates nothing.
  await expect(viewer.page.getByRole('button', { name: /^Note\b/ })).toHaveCount(0)
  const canvas = viewer.page.locator('.tl-canvas')
  await canvas.click({ position: { x: 60, y: 60 } })
  await viewer.page.keyboard.press('n')
  await canvas.click({ position: { x: 80, y: 400 } })
  await expect(replay.notes()).toHaveCount(4)

  // A link to a moment opens that moment.
  const shared = await newPerson()
  const again = new ReplayPage(shared.page)
  await again.goto(session.id, session.tokens.participant, middle)
  await expect(again.notes()).toHaveCount(2)
})

test('the first board is drawn before tldraw has loaded, then the canvas takes its place without moving the stickies', async ({ server, session, newPerson }) => {
  const { doc, participantId, destroy } = await stockFacilitator(server.baseURL, session, 'Host')
  const records = doc.getMap<Y.Map<unknown>>(Root.records)
  // Open voting in converge, one dot on the second sticky: the preview draws the badges too.
  doc.getMap(Root.session).set('hideVotes', false)
  for (const phase of ['frame', 'collaborate', 'converge'] as const) doc.getMap(Root.session).set('phase', phase)
  records.set('shape:one', recordToYMap(stickyRecord({ id: 'shape:one', x: 100, y: 100, text: 'Preview one', index: 'a2' })))
  records.set('shape:two', recordToYMap(stickyRecord({ id: 'shape:two', x: 420, y: 160, text: 'Preview two', index: 'a3', color: 'blue' })))
  doc.getMap(Root.votes).set(`${participantId}|shape:two`, 1)
  // Both stored before the replay reads them.
  await expect
    .poll(async () => {
      const response = await fetch(`${server.baseURL}/api/sessions/${session.id}/state?at=${Date.now()}&token=${session.tokens.viewer}`)
      if (!response.ok) return false
      const stored = new Y.Doc()
      Y.applyUpdate(stored, new Uint8Array(await response.arrayBuffer()))
      return stored.getMap(Root.records).has('shape:two') && stored.getMap(Root.votes).size > 0
    })
    .toBe(true)
  destroy()

  const viewer = await newPerson()
  const page = viewer.page
  // Hold tldraw's part of the replay back, as a slow start would.
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route(/\/assets\/ReplayCanvas-[^/]*\.js$/, async (route) => {
    await held
    await route.continue()
  })
  await page.goto(`/s/${session.id}/replay?token=${session.tokens.viewer}&t=${Date.now()}`)
  const preview = page.getByTestId('replay-preview')
  const previewNote = (id: string) => preview.locator(`[data-shape-id="${id}"]`)
  await expect(previewNote('shape:one')).toHaveText('Preview one')
  await expect(previewNote('shape:two')).toHaveText('Preview two')
  await expect(page.locator('.tl-canvas')).toHaveCount(0)
  await expect(preview.locator('.sticky-badges[data-sticky-id="shape:two"]').getByTestId('vote-badge')).toHaveText('1')
  // The sidebar and timeline work meanwhile.
  await expect(page.getByTestId('replay-phase')).toHaveText('Converge')
  const before = await previewNote('shape:two').boundingBox()
  await snap(page, 'replay-preview')

  release()
  const replay = new ReplayPage(page)
  await expect(page.locator('.replay-page[data-board="canvas"]')).toHaveCount(1)
  await expect(preview).toHaveCount(0)
  await expect(replay.notes()).toHaveCount(2)
  await expect(page.locator('.replay-canvas .sticky-badges[data-sticky-id="shape:two"]').getByTestId('vote-badge')).toHaveText('1')
  const after = await replay.note('Preview two').boundingBox()
  expect(before && after && Math.abs(before.x - after.x) <= 2 && Math.abs(before.y - after.y) <= 2 && Math.abs(before.width - after.width) <= 2).toBe(true)
  await snap(page, 'replay-after-swap')
})
