// axe-core on every page people open: the home page, the board in every phase as the facilitator
// and as a participant, my tasks, and the replay, at desktop and phone sizes. No critical or
// serious violation in Sandbox's own UI. tldraw's canvas and toolbars (`.tl-container`) are
// tldraw's to fix: they are checked separately and reported as an annotation, not failed on.
import AxeBuilder from '@axe-core/playwright'
import type { Page, TestInfo } from '@playwright/test'
import { test, expect, type Person } from '../fixtures/index.ts'
import { ReplayPage } from '../pages/ReplayPage.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

const TLDRAW = '.tl-container'
const serious = (impact: string | null | undefined) => impact === 'critical' || impact === 'serious'

/** Sandbox's own serious or critical violations on the page, as readable lines. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).exclude(TLDRAW).analyze()
  return result.violations
    .filter((v) => serious(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
}

/** tldraw's own findings on the page (reported, not failed on). */
async function tldrawFindings(page: Page, where: string, testInfo: TestInfo): Promise<void> {
  if ((await page.locator(TLDRAW).count()) === 0) return
  const result = await new AxeBuilder({ page }).include(TLDRAW).analyze()
  for (const v of result.violations.filter((x) => serious(x.impact))) {
    const description = `${where}: ${v.impact} ${v.id} (${v.nodes.length}×) ${v.help}`
    testInfo.annotations.push({ type: 'tldraw axe finding', description })
    console.log(`tldraw axe finding · ${description}`)
  }
}

async function check(page: Page, where: string, testInfo: TestInfo): Promise<void> {
  // Soft: one run lists every page's findings, not just the first.
  expect.soft(await violations(page), where).toEqual([])
  await tldrawFindings(page, where, testInfo)
}

async function checkBoth(host: Person, member: Person, phase: string, testInfo: TestInfo): Promise<void> {
  await new TemplatePanel(member.page).expectPhase(phase)
  await check(host.page, `${phase} (facilitator)`, testInfo)
  await check(member.page, `${phase} (participant)`, testInfo)
}

test('every phase of the board, as facilitator and participant, my tasks, the replay and the home page: no serious axe-core violation', async ({ newPerson, joinAs, session }, testInfo) => {
  test.setTimeout(300_000)
  const host = await newPerson()
  await host.page.goto('/')
  await check(host.page, 'home', testInfo)
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const member = await joinAs('Member A')
  const hostPanel = new TemplatePanel(host.page)
  const memberPanel = new TemplatePanel(member.page)

  await checkBoth(host, member, 'Warm-up', testInfo)
  await hostPanel.goToNextPhase('Frame')
  await checkBoth(host, member, 'Frame', testInfo)
  await hostPanel.goToNextPhase('Collaborate')
  await host.board.addNote('Shorter stand-ups')
  await checkBoth(host, member, 'Collaborate', testInfo)
  await hostPanel.goToNextPhase('Converge')
  await member.page.getByText('Vote from a list').click()
  await member.page.getByRole('button', { name: 'Vote for “Shorter stand-ups”' }).click()
  await expect(memberPanel.votesLeft).toContainText('2 of 3 votes left')
  await checkBoth(host, member, 'Converge', testInfo)
  await host.page.getByRole('button', { name: 'Reveal votes' }).click()
  await hostPanel.goToNextPhase('Split')
  await expect(hostPanel.pickSticky('Shorter stand-ups')).toBeChecked()
  await hostPanel.button('Convert to tasks').click()
  await memberPanel.task('Shorter stand-ups').getByRole('button', { name: "I'll take it" }).click()
  await expect(hostPanel.task('Shorter stand-ups')).toContainText('Member A')
  await checkBoth(host, member, 'Split', testInfo)
  await hostPanel.goToNextPhase('Execute')
  await checkBoth(host, member, 'Execute', testInfo)
  await hostPanel.goToNextPhase('Review')
  await checkBoth(host, member, 'Review', testInfo)

  await member.page.goto(`/s/${session.id}/tasks?token=${session.tokens.participant}`)
  await expect(member.page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(member.page.getByText('Shorter stand-ups', { exact: true })).toBeVisible()
  await check(member.page, 'my tasks', testInfo)

  const replay = new ReplayPage(member.page)
  await replay.goto(session.id, session.tokens.participant)
  await expect(replay.notes()).toHaveCount(1)
  await check(member.page, 'replay', testInfo)
})

test('at phone size (390×844): the home page, the board with its panel folded and open, my tasks and the replay', async ({ newPerson, session }, testInfo) => {
  test.setTimeout(180_000)
  const host = await newPerson()
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  await new TemplatePanel(host.page).goToNextPhase('Frame')

  const person = await newPerson()
  await person.page.setViewportSize({ width: 390, height: 844 })
  await person.page.goto('/')
  await check(person.page, 'home (phone)', testInfo)
  await person.board.goto(session.joinUrl)
  await person.board.join('Member A')
  await check(person.page, 'board, panel folded (phone)', testInfo)
  await person.page.getByRole('button', { name: 'Show the panel' }).click()
  await check(person.page, 'board, panel open (phone)', testInfo)
  await person.page.goto(`/s/${session.id}/tasks?token=${session.tokens.participant}`)
  await expect(person.page.getByRole('heading', { level: 1 })).toBeVisible()
  await check(person.page, 'my tasks (phone)', testInfo)
  const replay = new ReplayPage(person.page)
  await replay.goto(session.id, session.tokens.viewer)
  await check(person.page, 'replay (phone)', testInfo)
})
