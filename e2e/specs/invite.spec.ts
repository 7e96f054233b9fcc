// Issue "Facilitation that beats Miro", inviting people: the facilitator copies the join link from
// "Invite people", a late joiner opens it and is a participant, a second person with the same name
// is asked to add something, and stickies show their author's full name.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, type Person } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { HomePage } from '../pages/HomePage.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

test.use({ viewport: { width: 1280, height: 800 } })

/** axe-core's critical and serious findings on the page as it is. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
}

const inviteButton = (page: Page) => page.getByRole('button', { name: 'Invite people', exact: true })
const inviteDialog = (page: Page) => page.getByRole('dialog', { name: 'Invite people' })

/** A person whose browser lets the page read and write the clipboard. */
async function withClipboard(person: Person, origin: string): Promise<Person> {
  await person.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  return person
}

test('the facilitator copies the join link; a late joiner who opens it is a participant with their full name on stickies', async ({
  newPerson,
  session,
  baseURL,
}) => {
  const host = await withClipboard(await newPerson(), baseURL as string)
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')

  await inviteButton(host.page).click()
  const dialog = inviteDialog(host.page)
  await expect(dialog).toBeVisible()
  const joinLink = dialog.getByRole('textbox', { name: 'Join link' })
  await expect(joinLink).toHaveValue(session.joinUrl)
  await expect(dialog.getByRole('textbox', { name: 'View-only link' })).toHaveValue(session.viewUrl)
  // The facilitator's own link is named as such and marked as not for sharing.
  await expect(dialog.getByRole('heading', { name: 'Your facilitator link — do not share it' })).toBeVisible()
  await expect(dialog.getByRole('textbox', { name: 'Facilitator link (yours only)' })).toHaveValue(session.facilitatorUrl)
  // Focus moved into the dialog, onto the first Copy button.
  await expect(dialog.getByRole('button', { name: 'Copy join link' })).toBeFocused()
  await snap(host.page, 'invite-dialog')
  expect(await violations(host.page)).toEqual([])

  await dialog.getByRole('button', { name: 'Copy join link' }).click()
  await expect(dialog.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible()
  const copied = await host.page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toBe(session.joinUrl)

  // Escape closes the dialog and gives focus back to the button that opened it.
  await host.page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(inviteButton(host.page)).toBeFocused()

  // A late joiner opens the copied link in their own browser.
  const late = await newPerson()
  await late.board.goto(copied)
  await late.board.join('Late Joiner')
  await expect(late.page.getByText('Your role: Participant')).toBeAttached()
  const lateTemplate = new TemplatePanel(late.page)
  await expect(lateTemplate.nextPhase).toHaveCount(0)
  await expect(new TemplatePanel(host.page).nextPhase).toBeVisible()
  // A participant's invite shows the join link only.
  await inviteButton(late.page).click()
  const lateDialog = inviteDialog(late.page)
  await expect(lateDialog.getByRole('textbox', { name: 'Join link' })).toHaveValue(session.joinUrl)
  await expect(lateDialog.getByRole('textbox')).toHaveCount(1)
  await lateDialog.getByRole('button', { name: 'Done' }).click()
  await expect(lateDialog).toBeHidden()

  // Their sticky carries their whole name (tldraw's own label would say "Late").
  const note = await late.board.addNote('Shorter stand-ups')
  const shapeId = await note.getAttribute('data-shape-id')
  for (const page of [late.page, host.page]) {
    await expect(page.locator(`[data-testid="author-label"][data-sticky-id="${shapeId}"]`)).toHaveText('Late Joiner')
    await expect(page.locator('.tl-note__attribution')).toBeHidden()
  }
})

test('a second person with a name already taken is asked to add something, and then joins', async ({ newPerson, joinAs, session }) => {
  await joinAs('Late Joiner')
  const second = await newPerson()
  await second.board.goto(session.joinUrl)
  await second.board.nameBox.fill('late joiner')
  await second.board.joinButton.click()
  const refusal = second.board.joinDialog.getByRole('alert')
  await expect(refusal).toHaveText('Someone called “Late Joiner” is already here. Add an initial or your team so people can tell you apart.')
  // The refused name stays in the box, so adding an initial is one keystroke away.
  await expect(second.board.nameBox).toHaveValue('late joiner')
  await snap(second.page, 'duplicate-name')
  await second.board.nameBox.fill('Late Joiner (Design)')
  await expect(refusal).toHaveCount(0)
  await second.board.joinButton.click()
  await expect(second.board.joinDialog).toBeHidden()
  await second.board.expectLive()
  await expect(second.page.getByText('Your role: Participant')).toBeAttached()
  // Reloading rejoins under the same name: it is theirs.
  await second.board.reload()
  await expect(second.board.joinDialog).toHaveCount(0)
})

test('a remembered name someone else has in the next session is asked again, starting from that name', async ({ joinAs, request }) => {
  const person = await joinAs('Late Joiner')
  const created = await request.post('/api/sessions', { data: { title: 'Next session' } })
  expect(created.status()).toBe(201)
  const next = (await created.json()) as { id: string; joinUrl: string; tokens: { participant: string } }
  const other = await request.post(`/api/sessions/${next.id}/participants`, {
    data: { name: 'Late Joiner' },
    headers: { authorization: `Bearer ${next.tokens.participant}` },
  })
  expect(other.status()).toBe(200)

  await person.board.goto(next.joinUrl)
  await expect(person.board.joinDialog.getByRole('alert')).toHaveText(
    'Someone called “Late Joiner” is already here. Add an initial or your team so people can tell you apart.',
  )
  await expect(person.board.nameBox).toHaveValue('Late Joiner')
  await expect(person.board.nameBox).toBeFocused()
  await person.page.keyboard.type(' R')
  await person.board.joinButton.click()
  await expect(person.board.joinDialog).toBeHidden()
  await person.board.expectLive()
  await expect(person.page.getByRole('list', { name: /People/ }).getByText('Late Joiner R')).toBeVisible()
})

test('"Your sessions" keeps every link this browser was given, each with its role', async ({ newPerson }) => {
  const person = await newPerson()
  const home = new HomePage(person.page)
  await home.goto()
  const links = await home.createSession('Planning links')
  await person.page.reload()
  const row = home.yourSessions.getByRole('listitem').filter({ hasText: 'Planning links' })
  await row.getByText('Your 3 links').click()
  await expect(row.getByRole('textbox', { name: 'Join link' })).toHaveValue(links.joinUrl)
  await expect(row.getByRole('textbox', { name: 'View-only link' })).toHaveValue(links.viewUrl)
  await expect(row.getByRole('textbox', { name: /^Facilitator link/ })).toHaveValue(links.facilitatorUrl)
  expect(await violations(person.page)).toEqual([])

  // A link opened in another browser is remembered there with its role and the session's title.
  const guest = await newPerson()
  await guest.board.goto(links.joinUrl)
  await guest.board.join('Guest Member')
  const guestHome = new HomePage(guest.page)
  await guestHome.goto()
  const guestRow = guestHome.yourSessions.getByRole('listitem').filter({ hasText: 'Planning links' })
  await expect(guestRow).toContainText('Participant')
  await guestRow.getByText('Your link').click()
  await expect(guestRow.getByRole('textbox', { name: 'Join link' })).toHaveValue(links.joinUrl)
  await expect(guestRow.getByRole('textbox')).toHaveCount(1)
})

test('a viewer’s invite hands out the view-only link and nothing else', async ({ newPerson, session }) => {
  const viewer = await newPerson()
  await viewer.board.goto(session.viewUrl)
  await viewer.board.expectLive()
  await inviteButton(viewer.page).click()
  const dialog = inviteDialog(viewer.page)
  await expect(dialog.getByRole('textbox', { name: 'View-only link' })).toHaveValue(session.viewUrl)
  await expect(dialog.getByRole('textbox')).toHaveCount(1)
  await expect(dialog.getByRole('heading', { name: /facilitator link/ })).toHaveCount(0)
})

test('the invite dialog fits a phone screen', async ({ newPerson, session }) => {
  const host = await newPerson()
  await host.page.setViewportSize({ width: 390, height: 844 })
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  await inviteButton(host.page).click()
  const dialog = inviteDialog(host.page)
  await expect(dialog.getByRole('textbox', { name: 'Join link' })).toHaveValue(session.joinUrl)
  const box = await dialog.boundingBox()
  expect(box).not.toBeNull()
  expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390).toBe(true)
  // Every control can be reached on screen.
  for (const name of ['Copy join link', 'Copy view-only link', 'Done']) {
    const button = dialog.getByRole('button', { name })
    await button.scrollIntoViewIfNeeded()
    await expect(button).toBeInViewport()
  }
  expect(await violations(host.page)).toEqual([])
  await host.page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})
