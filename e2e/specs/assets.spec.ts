// Images are assets, not data: a dropped screenshot is uploaded to the server, the board holds
// only its URL, everyone sees the image (a late joiner too), and the document stays small.
import type { Locator, Page } from '@playwright/test'
import * as Y from 'yjs'
import { recordFromYMap, Root } from '@sandbox/shared'
import { test, expect, type CreatedSession } from '../fixtures/index.ts'
import { ReplayPage } from '../pages/ReplayPage.ts'

const IMAGE_SIDE_PX = 256

/**
 * Drops a PNG of random pixels (so it barely compresses: about 200 KB) onto the canvas at
 * `offset`, the way a file dragged from the desktop arrives. Returns the file's size in bytes.
 */
async function dropScreenshot(page: Page, offset: { x: number; y: number }): Promise<number> {
  const canvas = page.locator('.tl-canvas')
  const dataTransfer = await page.evaluateHandle(async (side) => {
    const element = document.createElement('canvas')
    element.width = side
    element.height = side
    const context = element.getContext('2d')
    if (!context) throw new Error('no 2d context')
    const pixels = context.createImageData(side, side)
    for (let start = 0; start < pixels.data.length; start += 65_536) crypto.getRandomValues(pixels.data.subarray(start, start + 65_536))
    for (let alpha = 3; alpha < pixels.data.length; alpha += 4) pixels.data[alpha] = 255
    context.putImageData(pixels, 0, 0)
    const blob = await new Promise<Blob | null>((resolve) => element.toBlob(resolve, 'image/png'))
    if (!blob) throw new Error('the canvas made no PNG')
    const transfer = new DataTransfer()
    transfer.items.add(new File([blob], 'screenshot.png', { type: 'image/png' }))
    return transfer
  }, IMAGE_SIDE_PX)
  const size = await dataTransfer.evaluate((transfer) => transfer.files[0]?.size ?? 0)
  const box = await canvas.boundingBox()
  if (!box) throw new Error('The tldraw canvas is not visible.')
  const at = { clientX: box.x + offset.x, clientY: box.y + offset.y }
  await canvas.dispatchEvent('dragover', { dataTransfer, ...at })
  await canvas.dispatchEvent('drop', { dataTransfer, ...at })
  return size
}

const imageShapes = (page: Page): Locator => page.locator('.tl-shape[data-shape-type="image"]')

/**
 * There is one image on the board, drawn from this session's asset route with the page's own
 * token (an <img> cannot send a header), and it has loaded. (Right after a drop, tldraw also keeps the local preview in a second
 * <img> of the same shape.)
 */
async function expectServedImage(page: Page, session: CreatedSession, token = session.tokens.participant): Promise<void> {
  await expect(imageShapes(page)).toHaveCount(1)
  const image = imageShapes(page).locator(`img.tl-image[src^="/api/sessions/${session.id}/assets/"]`)
  await expect(image).toHaveCount(1)
  await expect(image).toHaveAttribute('src', new RegExp(`^/api/sessions/${session.id}/assets/[0-9a-f]{64}\\?token=${token}$`))
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(IMAGE_SIDE_PX)
}

test('a dropped image is uploaded once and shown to everyone by URL, never inlined in the document', async ({ joinAs, newPerson, session, request }) => {
  const memberA = await joinAs('Member A')
  const memberB = await joinAs('Member B')

  const imageBytes = await dropScreenshot(memberA.page, { x: 400, y: 300 })
  expect(imageBytes).toBeGreaterThan(100_000)

  await test.step('the person who dropped it and the other person both see it', async () => {
    await expectServedImage(memberA.page, session)
    await expectServedImage(memberB.page, session)
  })

  const assetSrc = await test.step('the document holds the relative asset URL and stays far smaller than the image', async () => {
    const readState = async () => {
      const response = await request.get(`/api/sessions/${session.id}/state?at=${Date.now()}`, {
        headers: { authorization: `Bearer ${session.tokens.participant}` },
      })
      expect(response.status()).toBe(200)
      return response.body()
    }
    const assetSources = (state: Buffer) => {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, state)
      const records = [...doc.getMap<Y.Map<unknown>>(Root.records).values()].map(recordFromYMap)
      return records.filter((r) => r.typeName === 'asset').map((r) => (r.props as { src?: unknown }).src)
    }
    await expect.poll(async () => assetSources(await readState())).toEqual([expect.stringMatching(new RegExp(`^/api/sessions/${session.id}/assets/[0-9a-f]{64}$`))])
    const state = await readState()
    expect(state.toString('latin1')).not.toContain('data:image')
    expect(state.toString('latin1')).not.toContain('base64')
    expect(state.byteLength).toBeLessThan(imageBytes / 10)
    return assetSources(state)[0] as string
  })

  await test.step('the server holds the image’s bytes under that URL', async () => {
    const response = await request.get(`${assetSrc}?token=${session.tokens.viewer}`)
    expect(response.status()).toBe(200)
    expect(response.headers()['content-type']).toBe('image/png')
    expect((await response.body()).byteLength).toBe(imageBytes)
  })

  await test.step('someone who joins later sees it too', async () => {
    const latecomer = await joinAs('Member C')
    await expectServedImage(latecomer.page, session)
  })

  await test.step('so does a viewer replaying the session, with the view-only token', async () => {
    const viewer = await newPerson()
    await new ReplayPage(viewer.page).goto(session.id, session.tokens.viewer, Date.now())
    await expectServedImage(viewer.page, session, session.tokens.viewer)
  })
})

test('a viewer’s dropped image is not uploaded and appears on no board', async ({ joinAs, newPerson, session }) => {
  const member = await joinAs('Member A')
  const viewer = await newPerson()
  await viewer.board.goto(session.viewUrl)
  await viewer.board.expectLive()

  await dropScreenshot(viewer.page, { x: 400, y: 300 })
  // A sticky written afterwards marks the moment by which the image would have arrived.
  await member.board.addNote('After the drop')
  await expect(viewer.board.note('After the drop')).toHaveCount(1)
  await expect(imageShapes(viewer.page)).toHaveCount(0)
  await expect(imageShapes(member.page)).toHaveCount(0)
  expect(viewer.requestedUrls.filter((url) => url.includes(`/api/sessions/${session.id}/assets`))).toEqual([])
})
