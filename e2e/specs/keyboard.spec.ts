// Keyboard only: a participant in the collaborate phase adds a sticky with the panel's button and
// types into it without touching the mouse; the others see it.
import type { Locator } from '@playwright/test'
import { test, expect, type Person } from '../fixtures/index.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

/** The facilitator joins and moves the session to the collaborate phase. */
async function hostInCollaborate(newPerson: () => Promise<Person>, facilitatorUrl: string): Promise<{ host: Person; panel: TemplatePanel }> {
  const host = await newPerson()
  await host.board.goto(facilitatorUrl)
  await host.board.join('Host')
  const panel = new TemplatePanel(host.page)
  await panel.goToNextPhase('Frame')
  await panel.goToNextPhase('Collaborate')
  return { host, panel }
}

test('"Add a sticky" works from the keyboard: Enter opens a new sticky for typing, and others see it', async ({ newPerson, joinAs, session }) => {
  const { host } = await hostInCollaborate(newPerson, session.facilitatorUrl)

  const memberA = await joinAs('Member A')
  const button = memberA.page.getByRole('button', { name: 'Add a sticky' })
  await button.focus()
  await memberA.page.keyboard.press('Enter')
  const editor = memberA.board.notes().locator('[contenteditable="true"]')
  await expect(editor).toBeFocused()
  await memberA.page.keyboard.type('Typed without a mouse', { delay: 10 })
  await memberA.page.keyboard.press('Escape')
  await expect(host.board.note('Typed without a mouse')).toHaveCount(1)

  // A second one lands beside the first, not on top of it.
  await button.focus()
  await memberA.page.keyboard.press('Enter')
  await expect(memberA.board.notes()).toHaveCount(2)
  const [first, second] = [await memberA.board.notes().nth(0).boundingBox(), await memberA.board.notes().nth(1).boundingBox()]
  expect(first && second && (first.x !== second.x || first.y !== second.y)).toBe(true)
})

test('a participant votes from the keyboard: the list in the converge panel casts and takes back dots', async ({ newPerson, joinAs, session }) => {
  const { host, panel: hostPanel } = await hostInCollaborate(newPerson, session.facilitatorUrl)
  await host.board.addNote('Fewer meetings')
  await hostPanel.goToNextPhase('Converge')

  const memberA = await joinAs('Member A')
  const panel = new TemplatePanel(memberA.page)
  const summary = memberA.page.getByText('Vote from a list')
  await summary.focus()
  await memberA.page.keyboard.press('Enter')
  const vote = memberA.page.getByRole('button', { name: 'Vote for “Fewer meetings”' })
  await vote.focus()
  await memberA.page.keyboard.press('Enter')
  await memberA.page.keyboard.press('Enter')
  await expect(panel.votesLeft).toContainText('1 of 3 votes left')
  await memberA.page.getByRole('button', { name: 'Take back a vote from “Fewer meetings”' }).focus()
  await memberA.page.keyboard.press('Enter')
  await expect(panel.votesLeft).toContainText('2 of 3 votes left')
})

test('the first Tab on the board offers a skip to the session panel, which then has focus', async ({ joinAs }) => {
  const memberA = await joinAs('Member A')
  await memberA.page.locator('body').focus()
  await memberA.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await memberA.page.keyboard.press('Tab')
  const skip = memberA.page.getByRole('link', { name: 'Skip to the session panel' })
  await expect(skip).toBeFocused()
  await memberA.page.keyboard.press('Enter')
  await expect(memberA.page.getByRole('region', { name: /what to do now/ })).toBeFocused()
})

test('F6 and Shift+F6 move between the canvas, the phase bar and the session panel', async ({ joinAs }) => {
  const memberA = await joinAs('Member A')
  const { page } = memberA
  const canvas = page.locator('.board-canvas .tl-container')
  const phaseBar = page.getByRole('region', { name: 'Session phase' })
  const panel = page.getByRole('region', { name: /what to do now/ })
  await page.locator('body').focus()
  await page.keyboard.press('F6')
  await expect(canvas).toBeFocused()
  await page.keyboard.press('F6')
  await expect(phaseBar.locator(':focus')).toHaveCount(1)
  await page.keyboard.press('F6')
  await expect(panel).toBeFocused()
  await page.keyboard.press('F6')
  await expect(canvas).toBeFocused()
  await page.keyboard.press('Shift+F6')
  await expect(panel).toBeFocused()
  await page.keyboard.press('Shift+F6')
  await expect(phaseBar.locator(':focus')).toHaveCount(1)
})

test('a screen reader hears the phase move on and the votes left', async ({ newPerson, joinAs, session }) => {
  const { host, panel: hostPanel } = await hostInCollaborate(newPerson, session.facilitatorUrl)
  await host.board.addNote('Shorter stand-ups')
  const memberA = await joinAs('Member A')
  const announcer = memberA.page.getByTestId('announcer')
  await hostPanel.goToNextPhase('Converge')
  await expect(announcer).toHaveText(/^Phase 4 of 7: Converge\./)
  await memberA.page.getByText('Vote from a list').click()
  await memberA.page.getByRole('button', { name: 'Vote for “Shorter stand-ups”' }).click()
  await expect(announcer).toHaveText('2 of 3 votes left.')
})

test('without a mouse, a facilitator runs the whole template and a participant takes part in it', async ({ newPerson, session }) => {
  test.setTimeout(180_000)
  const press = async (person: Person, control: Locator, key = 'Enter') => {
    await control.focus()
    await person.page.keyboard.press(key)
  }
  const joinByKeyboard = async (url: string, name: string): Promise<Person> => {
    const person = await newPerson()
    await person.board.goto(url)
    await person.board.nameBox.focus()
    await person.page.keyboard.type(name)
    await person.page.keyboard.press('Enter')
    await person.board.expectLive()
    return person
  }
  const host = await joinByKeyboard(session.facilitatorUrl, 'Host')
  const member = await joinByKeyboard(session.joinUrl, 'Member A')
  const hostPanel = new TemplatePanel(host.page)
  const panel = new TemplatePanel(member.page)
  const next = async (label: string) => {
    await press(host, hostPanel.nextPhase)
    await hostPanel.expectPhase(label)
    await panel.expectPhase(label)
  }

  await next('Frame')
  await next('Collaborate')
  await press(member, panel.button('Add a sticky'))
  await expect(member.board.notes().locator('[contenteditable="true"]')).toBeFocused()
  await member.page.keyboard.type('Shorter stand-ups', { delay: 10 })
  await member.page.keyboard.press('Escape')
  await expect(host.board.note('Shorter stand-ups')).toHaveCount(1)

  await next('Converge')
  await press(member, member.page.getByText('Vote from a list'))
  await press(member, member.page.getByRole('button', { name: 'Vote for “Shorter stand-ups”' }))
  await expect(panel.votesLeft).toContainText('2 of 3 votes left')
  await press(host, host.page.getByRole('button', { name: 'Reveal votes' }))

  await next('Split')
  await expect(hostPanel.pickSticky('Shorter stand-ups')).toBeChecked()
  await press(host, hostPanel.button('Convert to tasks'))
  await press(member, panel.task('Shorter stand-ups').getByRole('button', { name: "I'll take it" }))
  await expect(hostPanel.task('Shorter stand-ups')).toContainText('Member A')

  await next('Execute')
  await press(member, panel.myTask('Shorter stand-ups').getByRole('radio', { name: 'Doing' }), 'Space')
  await expect(panel.myTask('Shorter stand-ups').getByRole('radio', { name: 'Doing' })).toBeChecked()
  await next('Review')
  await expect(hostPanel.sidebar).toContainText('Shorter stand-ups')
})
