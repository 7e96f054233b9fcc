// A participant on a phone (390×844, touch) takes part in a whole session run by a facilitator
// at a desk: joins, writes a sticky, votes, claims a task and moves it along, all by tapping.
import type { Page } from '@playwright/test'
import { test, expect } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { BoardPage } from '../pages/BoardPage.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

test('a participant on a phone joins, writes a sticky, votes, claims a task and updates it by touch', async ({ browser, baseURL, newPerson, session }) => {
  // A whole session with two browsers on a shared two-core machine.
  test.setTimeout(180_000)
  const host = await newPerson()
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const hostPanel = new TemplatePanel(host.page)
  await hostPanel.goToNextPhase('Frame')
  await hostPanel.goToNextPhase('Collaborate')

  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 })
  try {
    const page = await context.newPage()
    const phone = new BoardPage(page)
    const panel = new TemplatePanel(page)
    await phone.goto(session.joinUrl)
    await phone.nameBox.fill('Member A')
    await phone.joinButton.tap()
    await phone.expectLive()

    // The board has the width; the session panel is a folded sheet with its phase and one toggle.
    const canvas = await phone.canvas.boundingBox()
    expect(canvas?.width).toBeGreaterThanOrEqual(380)
    await page.getByRole('button', { name: 'Show the panel' }).tap()
    await panel.button('Add a sticky').tap()
    const editor = phone.notes().locator('[contenteditable="true"]')
    await expect(editor).toBeFocused()
    await page.keyboard.type('Shorter stand-ups', { delay: 10 })
    await page.keyboard.press('Escape')
    await expect(host.board.note('Shorter stand-ups')).toHaveCount(1)
    await page.getByRole('button', { name: 'Show the board' }).tap()
    await expect(phone.note('Shorter stand-ups')).toBeVisible()
    await snap(page, 'phone-participant-sticky', { parkPointer: false })

    // Converge: a dot from the list in the panel.
    await hostPanel.goToNextPhase('Converge')
    await panel.expectPhase('Converge')
    await page.getByRole('button', { name: 'Show the panel' }).tap()
    await page.getByText('Vote from a list').tap()
    await page.getByRole('button', { name: 'Vote for “Shorter stand-ups”' }).tap()
    await expect(panel.votesLeft).toContainText('2 of 3 votes left')
    await snap(page, 'phone-participant-vote', { parkPointer: false })
    await host.page.getByRole('button', { name: 'Reveal votes' }).click()

    // Split: the facilitator converts it; the phone claims it.
    await hostPanel.goToNextPhase('Split')
    await expect(hostPanel.pickSticky('Shorter stand-ups')).toBeChecked()
    await hostPanel.button('Convert to tasks').click()
    await panel.task('Shorter stand-ups').getByRole('button', { name: "I'll take it" }).tap()
    await expect(hostPanel.task('Shorter stand-ups')).toContainText('Member A')

    // Execute: the phone moves its task along.
    await hostPanel.goToNextPhase('Execute')
    await panel.expectPhase('Execute')
    await panel.myTask('Shorter stand-ups').getByRole('radio', { name: 'Doing' }).tap()
    await expect(panel.myTask('Shorter stand-ups').getByRole('radio', { name: 'Doing' })).toBeChecked()
    await expect
      .poll(async () => {
        const res = await host.page.request.get(`/api/sessions/${session.id}/tasks?format=json`, { headers: { authorization: `Bearer ${session.tokens.facilitator}` } })
        const body = (await res.json()) as { tasks?: { title: string; status: string }[] } | { title: string; status: string }[]
        const tasks = Array.isArray(body) ? body : (body.tasks ?? [])
        return tasks.find((t) => t.title === 'Shorter stand-ups')?.status
      })
      .toBe('doing')
    await snap(page, 'phone-participant-tasks', { parkPointer: false })
  } finally {
    await context.close()
  }
})
