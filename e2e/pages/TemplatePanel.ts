// The session template around the board: the phase bar, the session sidebar and the badges drawn
// over stickies. Controls by role and accessible name; the badges are decoration (aria-hidden),
// so they are found by test id inside the sticky's overlay box.
import { expect, type Locator, type Page } from '@playwright/test'
import type { BoardPage, Point } from './BoardPage.ts'

export class TemplatePanel {
  readonly page: Page
  readonly phaseBar: Locator
  readonly currentPhase: Locator
  readonly nextPhase: Locator
  readonly previousPhase: Locator
  readonly phaseRefusal: Locator
  readonly sidebar: Locator
  readonly sidebarTitle: Locator
  readonly notice: Locator
  /** The shared timer in the phase bar: digits (role timer), state (role status), controls. */
  readonly timeBox: Locator

  constructor(page: Page) {
    this.page = page
    this.phaseBar = page.getByRole('region', { name: 'Session phase' })
    this.currentPhase = this.phaseBar.locator('[aria-current="step"]')
    this.nextPhase = page.getByRole('button', { name: 'Next phase' })
    this.previousPhase = page.getByRole('button', { name: 'Previous phase' })
    this.phaseRefusal = this.phaseBar.getByRole('alert')
    this.sidebar = page.getByRole('complementary', { name: 'Session panel' })
    this.sidebarTitle = this.sidebar.getByRole('heading', { level: 2 })
    this.notice = this.sidebar.getByRole('alert')
    this.timeBox = this.phaseBar.getByRole('group', { name: 'Time box' })
  }

  timerButton(name: string): Locator {
    return this.timeBox.getByRole('button', { name, exact: true })
  }

  button(name: string | RegExp): Locator {
    return this.sidebar.getByRole('button', { name, exact: typeof name === 'string' })
  }

  async expectPhase(label: string): Promise<void> {
    await expect(this.currentPhase).toContainText(label)
    await expect(this.sidebarTitle).toHaveText(label)
  }

  /** Facilitator only: one step forward, and wait until this screen shows it. */
  async goToNextPhase(expectedLabel: string): Promise<void> {
    await this.nextPhase.click()
    await this.expectPhase(expectedLabel)
  }

  // ── frame ──
  frameAnswer(question: string, answer: string): Locator {
    return this.sidebar.getByRole('group', { name: question }).getByRole('radio', { name: answer, exact: true })
  }

  // ── converge ──
  get votesLeft(): Locator {
    return this.sidebar.getByRole('status', { name: 'Your votes' })
  }

  // ── split / review ──
  pickSticky(text: string): Locator {
    return this.sidebar.getByRole('list', { name: 'Stickies to convert' }).getByRole('checkbox', { name: text })
  }

  task(title: string): Locator {
    return this.sidebar.getByRole('list', { name: 'Tasks' }).getByRole('listitem', { name: title, exact: true })
  }

  ownerPicker(title: string): Locator {
    return this.sidebar.getByRole('combobox', { name: `Owner of “${title}”` })
  }

  // ── execute ──
  myTask(title: string): Locator {
    return this.sidebar.getByRole('list', { name: 'My tasks' }).getByRole('listitem', { name: title, exact: true })
  }

  async setStatus(title: string, status: 'To do' | 'Doing' | 'Done'): Promise<void> {
    await this.myTask(title).getByRole('radio', { name: status }).check()
  }

  /** The badges drawn over one sticky (vote count, owner), found by the sticky's shape id. */
  async badgesOver(note: Locator): Promise<Locator> {
    const shapeId = await note.getAttribute('data-shape-id')
    if (!shapeId) throw new Error('The note has no data-shape-id attribute.')
    return this.page.locator(`.sticky-badges[data-sticky-id="${shapeId}"]`)
  }
}

/**
 * `board.addNote`, with a repair: under load, typing into a brand-new note can still scramble
 * letters (PRODUCT.md). The new note stays selected, so Enter edits it and the text is retyped.
 */
export async function addSticky(board: BoardPage, text: string, at: Point): Promise<Locator> {
  return board.addNote(text, at)
}
