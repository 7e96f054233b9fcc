// The home page: create a session and read the three links it hands out.
import { expect, type Locator, type Page } from '@playwright/test'

export type SessionLinks = { joinUrl: string; facilitatorUrl: string; viewUrl: string }

export class HomePage {
  readonly page: Page
  readonly title: Locator
  readonly createButton: Locator
  readonly joinLink: Locator
  readonly facilitatorLink: Locator
  readonly viewLink: Locator
  readonly openAsFacilitator: Locator
  readonly yourSessions: Locator

  constructor(page: Page) {
    this.page = page
    this.title = page.getByRole('textbox', { name: 'Session title' })
    this.createButton = page.getByRole('button', { name: 'Create session' })
    this.joinLink = page.getByRole('textbox', { name: 'Join link' })
    this.facilitatorLink = page.getByRole('textbox', { name: 'Facilitator link' })
    this.viewLink = page.getByRole('textbox', { name: 'View-only link' })
    this.openAsFacilitator = page.getByRole('link', { name: 'Open board as facilitator' })
    this.yourSessions = page.getByRole('region', { name: 'Your sessions' })
  }

  async goto(): Promise<void> {
    await this.page.goto('/')
    await expect(this.title).toBeVisible()
  }

  /** Creates a session through the form and returns the links it shows. */
  async createSession(title: string): Promise<SessionLinks> {
    await this.title.fill(title)
    await this.createButton.click()
    await expect(this.joinLink).toHaveValue(/\/s\/.+token=/)
    return {
      joinUrl: await this.joinLink.inputValue(),
      facilitatorUrl: await this.facilitatorLink.inputValue(),
      viewUrl: await this.viewLink.inputValue(),
    }
  }
}
