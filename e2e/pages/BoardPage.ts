// The board page: the name dialog, the connection and save indicators, and the tldraw canvas.
// Controls are found by role and accessible name; tldraw's own DOM (shapes, collaborator cursors)
// has no roles, so those use tldraw's stable class names and data attributes.
import { expect, type Locator, type Page } from '@playwright/test'

export type Point = { x: number; y: number }

export class BoardPage {
  readonly page: Page
  readonly nameBox: Locator
  readonly joinButton: Locator
  readonly joinDialog: Locator
  /** `role="status"` named "Connection": "Connecting…", "Live" or "Offline". */
  readonly connection: Locator
  readonly saveStatus: Locator
  readonly canvas: Locator
  readonly notFound: Locator

  constructor(page: Page) {
    this.page = page
    this.nameBox = page.getByRole('textbox', { name: 'Your name' })
    this.joinButton = page.getByRole('button', { name: 'Join board' })
    this.joinDialog = page.getByRole('dialog').filter({ has: this.nameBox })
    this.connection = page.getByRole('status', { name: 'Connection' })
    this.saveStatus = page.getByLabel('Save status')
    this.canvas = page.locator('.tl-canvas')
    this.notFound = page.getByRole('heading', { name: 'Session not found' })
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url)
  }

  /** Fills in the name dialog and waits until the board is live. */
  async join(name: string): Promise<void> {
    await this.nameBox.fill(name)
    await this.joinButton.click()
    await expect(this.joinDialog).toBeHidden()
    await this.expectLive()
  }

  async expectLive(timeout?: number): Promise<void> {
    await expect(this.connection).toHaveText('Live', { timeout })
  }

  /** Reloads the tab. The browser remembers the person's name, so no dialog: straight to the board. */
  async reload(): Promise<void> {
    await this.page.reload()
    await this.expectLive()
  }

  /** Waits until the server has durably stored every local change. */
  async expectSaved(): Promise<void> {
    await expect(this.saveStatus).toHaveText('All changes saved')
  }

  notes(): Locator {
    return this.page.locator('.tl-shape[data-shape-type="note"]')
  }

  /** The note whose text contains `text` (a note also shows its author's name in a corner). */
  note(text: string): Locator {
    return this.notes().filter({ has: this.page.locator('.tl-rich-text', { hasText: text }) })
  }

  /** The text written on a note, without the author's name tldraw shows below it. */
  noteText(note: Locator): Locator {
    return note.locator('.tl-rich-text')
  }

  /** A point on the canvas, relative to its top-left corner, in page (viewport) pixels. */
  async canvasPoint(offset: Point): Promise<Point> {
    const box = await this.canvas.boundingBox()
    if (!box) throw new Error('The tldraw canvas is not visible.')
    return { x: box.x + offset.x, y: box.y + offset.y }
  }

  /**
   * Creates a sticky through the UI: note tool, click, wait for edit mode, type, Escape.
   * Typing before the note's editor has focus scrambles letters, hence the focus wait.
   */
  async addNote(text: string, at: Point = { x: 400, y: 300 }): Promise<Locator> {
    const before = await this.notes().count()
    // tldraw names its tool buttons with their shortcut, e.g. "Note — N".
    await this.page.getByRole('button', { name: /^Note\b/ }).click()
    const point = await this.canvasPoint(at)
    await this.page.mouse.click(point.x, point.y)
    await expect(this.notes()).toHaveCount(before + 1)
    const editor = this.notes().locator('[contenteditable="true"]')
    await expect(editor).toBeFocused()
    await this.page.keyboard.type(text, { delay: 10 })
    // Keys typed the instant a note opens can land out of order (a known tldraw quirk under
    // load): check what the note says and retype it until it is right.
    for (let attempt = 0; attempt < 3 && (await editor.innerText()).trim() !== text; attempt++) {
      await this.page.keyboard.press('ControlOrMeta+a')
      await this.page.keyboard.type(text, { delay: 30 })
    }
    await this.page.keyboard.press('Escape')
    await expect(editor).toHaveCount(0)
    const note = this.note(text)
    await expect(note).toBeVisible()
    return note
  }

  /** Moves the mouse over the canvas so collaborators see this cursor there. */
  async moveCursor(to: Point): Promise<void> {
    const point = await this.canvasPoint(to)
    await this.page.mouse.move(point.x - 20, point.y - 20)
    await this.page.mouse.move(point.x, point.y, { steps: 5 })
  }

  /** Another participant's cursor, as tldraw draws it: the pointer with a name tag. */
  collaboratorCursor(name: string): Locator {
    return this.page.locator('.tl-collaborator__cursor').filter({ hasText: name })
  }
}
