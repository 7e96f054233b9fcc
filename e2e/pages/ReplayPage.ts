// The replay page: the read-only board, the sidebar of that moment, and the timeline controls.
import type { Locator, Page } from '@playwright/test'

export class ReplayPage {
  readonly page: Page
  readonly timeline: Locator
  readonly scrubber: Locator
  readonly play: Locator
  readonly pause: Locator
  readonly phase: Locator
  readonly tasks: Locator
  readonly present: Locator

  constructor(page: Page) {
    this.page = page
    this.timeline = page.getByRole('region', { name: 'Timeline' })
    this.scrubber = page.getByRole('slider', { name: 'Moment' })
    this.play = page.getByRole('button', { name: 'Play' })
    this.pause = page.getByRole('button', { name: 'Pause' })
    this.phase = page.getByTestId('replay-phase')
    this.tasks = page.getByRole('list', { name: 'Tasks' })
    this.present = page.getByRole('list', { name: 'Present' })
  }

  async goto(sessionId: string, token: string, at?: number): Promise<void> {
    await this.page.goto(`/s/${sessionId}/replay?token=${token}${at === undefined ? '' : `&t=${at}`}`)
    await this.page.locator('.tl-canvas').waitFor()
  }

  notes(): Locator {
    return this.page.locator('.tl-shape[data-shape-type="note"]')
  }

  note(text: string): Locator {
    return this.notes().filter({ hasText: text })
  }

  marker(name: RegExp | string): Locator {
    return this.timeline.getByRole('list', { name: 'Events' }).getByRole('button', { name })
  }

  /** Drags the scrubber to a moment (epoch ms), as a continuous series of input events. */
  async scrubTo(at: number): Promise<void> {
    await this.scrubber.fill(String(Math.round(at)))
  }

  speed(label: string): Locator {
    return this.timeline.getByRole('radio', { name: label, exact: true })
  }
}
