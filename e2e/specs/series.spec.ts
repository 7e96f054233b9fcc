// Issue 12: series of sessions and pairing. A facilitator ends a session with tasks, starts a
// follow-up from the review, and its warm-up lists the previous tasks with owner and status,
// updated while a participant finishes one on their my-tasks page; one click carries the unfinished
// ones over with their owners. Then the warm-up pairs three people up, and everyone sees their pair.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, type Person } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { stockFacilitator } from '../fixtures/stockClient.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

type Player = Person & { template: TemplatePanel }
const withTemplate = (person: Person): Player => ({ ...person, template: new TemplatePanel(person.page) })

test.use({ viewport: { width: 1440, height: 900 } })

/** Serious or critical axe-core findings in the session panel (tldraw's canvas is checked elsewhere). */
async function panelViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('.session-sidebar').analyze()
  return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

const PHASES = ['Frame', 'Collaborate', 'Converge', 'Split', 'Execute', 'Review']

test('a follow-up session shows the previous session’s tasks and carries the unfinished ones', async ({ newPerson, joinAs, session, baseURL }) => {
  test.setTimeout(150_000)
  const host = withTemplate(await newPerson())
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('The facilitator')
  const a = withTemplate(await joinAs('Participant A'))
  const b = withTemplate(await joinAs('Participant B'))

  // Three tasks with owners, written the way any tool would (the facilitator's rights).
  const tool = await stockFacilitator(baseURL as string, session, 'Planning tool')
  const people = tool.doc.getMap('participants').toJSON() as Record<string, { id: string; name: string; color: string }>
  const owner = (name: string) => Object.values(people).find((p) => p.name === name) as { id: string; name: string; color: string }
  const task = (id: string, title: string, who: string, status: string) => {
    const p = owner(who)
    return { id, title, ownerId: p.id, ownerName: p.name, ownerColor: p.color, ownerSource: 'assign', status, note: '', description: '', sourceShapeIds: [], createdAt: Date.now() }
  }
  tool.doc.transact(() => {
    const tasks = tool.doc.getMap('tasks')
    tasks.set('t-emails', task('t-emails', 'Fix onboarding emails', 'Participant A', 'doing'))
    tasks.set('t-guide', task('t-guide', 'Write a getting-started guide', 'Participant A', 'todo'))
    tasks.set('t-signup', task('t-signup', 'Speed up the signup form', 'Participant B', 'todo'))
    tasks.set('t-offsite', task('t-offsite', 'Plan a team offsite', 'Participant B', 'done'))
  })
  tool.destroy()
  for (const phase of PHASES) await host.template.goToNextPhase(phase)
  await a.template.expectPhase('Review')

  // Review buddies: every task gets a reviewer who is not its owner, and everyone sees it.
  await expect(a.template.button('Review buddies')).toHaveCount(0)
  await host.template.button('Review buddies').click()
  const buddies = a.template.sidebar.getByRole('list', { name: 'Review buddies' }).getByRole('listitem')
  await expect(buddies).toHaveCount(4)
  for (const item of await buddies.all()) {
    const [ownerName, reviewer] = ((await item.locator('.series-task__meta').textContent()) ?? '').split('→ reviewed by')
    expect(reviewer?.replace('(you)', '').trim()).not.toBe(ownerName?.trim())
  }
  await host.template.sidebar.getByRole('region', { name: 'Review buddies' }).scrollIntoViewIfNeeded()
  await snap(host.page, 'series-review-buddies')
  expect(await panelViolations(host.page)).toEqual([])

  // Only the facilitator starts a follow-up.
  await expect(a.template.button('Start a follow-up')).toHaveCount(0)
  await host.template.button('Start a follow-up').click()
  const followUpCard = host.template.sidebar.getByRole('region', { name: 'What happens next' })
  await expect(followUpCard.getByText('“E2E session (2)” is ready.', { exact: false })).toBeVisible()
  const joinUrl = await followUpCard.getByRole('textbox', { name: 'Join link of the follow-up' }).inputValue()
  await followUpCard.scrollIntoViewIfNeeded()
  await snap(host.page, 'series-follow-up-started')
  await followUpCard.getByRole('link', { name: 'Open the follow-up' }).click()
  await host.board.expectLive()
  const followUpUrl = host.page.url()
  await host.template.expectPhase('Warm-up')
  await expect(a.template.button('Start a follow-up')).toHaveCount(0)

  // The warm-up lists the previous tasks with owner and status.
  const previous = host.template.sidebar.getByRole('list', { name: 'Tasks of the previous session' })
  await expect(previous.getByRole('listitem')).toHaveCount(4)
  const row = (title: string) => previous.getByRole('listitem').filter({ hasText: title })
  await expect(row('Fix onboarding emails')).toContainText('Doing')
  await expect(row('Fix onboarding emails')).toContainText('Participant A')
  await expect(row('Plan a team offsite')).toContainText('Done')
  await expect(host.template.sidebar.getByText('1 of 4 done')).toBeVisible()

  // Participant A finishes a task on their my-tasks page of the first session: the list follows.
  const tasksPage = await a.context.newPage()
  await tasksPage.goto(`/s/${session.id}/tasks?token=${session.tokens.participant}`)
  await tasksPage.getByRole('list', { name: 'My tasks' }).getByRole('listitem', { name: 'Fix onboarding emails', exact: true }).getByRole('radio', { name: 'Done' }).check()
  await expect(row('Fix onboarding emails')).toContainText('Done', { timeout: 10_000 })
  await expect(host.template.sidebar.getByText('2 of 4 done')).toBeVisible()

  // A participant of the follow-up sees the list too, without the button.
  const c = withTemplate(await newPerson())
  await c.board.goto(joinUrl)
  await c.board.join('Participant C')
  await expect(c.template.sidebar.getByRole('list', { name: 'Tasks of the previous session' }).getByRole('listitem')).toHaveCount(4)
  await expect(c.template.button(/Carry over/)).toHaveCount(0)

  // One click carries the two unfinished tasks over, with their owners.
  await host.template.button('Carry over 2 unfinished tasks').click()
  await expect(row('Write a getting-started guide').getByText('Carried over')).toBeVisible()
  await expect(row('Speed up the signup form').getByText('Carried over')).toBeVisible()
  await expect(row('Fix onboarding emails').getByText('Carried over')).toHaveCount(0)
  await expect(host.template.button(/Carry over/)).toHaveCount(0)
  await snap(host.page, 'series-previous-tasks')
  expect(await panelViolations(host.page)).toEqual([])

  // Participant B opens the follow-up and finds the carried task on their own tasks page.
  await b.page.goto(joinUrl)
  await b.board.expectLive()
  await b.page.goto(`${new URL(joinUrl).pathname}/tasks${new URL(joinUrl).search}`)
  const mine = b.page.getByRole('list', { name: 'My tasks' })
  await expect(mine.getByRole('listitem', { name: 'Speed up the signup form', exact: true })).toBeVisible()
  await expect(mine.getByRole('listitem')).toHaveCount(1)
  await expect(mine.getByRole('listitem', { name: 'Speed up the signup form', exact: true })).toContainText('From last time')
  await snap(b.page, 'series-my-tasks')

  // The follow-up's review shows the balance of modes across the whole series, session by session.
  await host.page.goto(followUpUrl)
  await host.board.expectLive()
  for (const phase of PHASES) await host.template.goToNextPhase(phase)
  const acrossSeries = host.template.sidebar.getByRole('region', { name: 'Across the series (2 sessions)' })
  await expect(acrossSeries.getByRole('listitem')).toHaveCount(2)
  await expect(acrossSeries.getByRole('listitem').first()).toContainText('2/4 done')
  await acrossSeries.scrollIntoViewIfNeeded()
  await snap(host.page, 'series-balance')

  // The home page shows the series as one line with its two sessions.
  await host.page.goto('/')
  const series = host.page.getByRole('listitem', { name: 'Series: E2E session' })
  await expect(series.getByRole('link', { name: /^1\. E2E session$/ })).toBeVisible()
  await expect(series.getByRole('link', { name: /^2\. E2E session \(2\)$/ })).toBeVisible()
  await snap(host.page, 'series-home')
  expect((await new AxeBuilder({ page: host.page }).analyze()).violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([])
})

test('pairing shown to three people', async ({ newPerson, joinAs, session }) => {
  test.setTimeout(90_000)
  const host = withTemplate(await newPerson())
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('The facilitator')
  const a = withTemplate(await joinAs('Participant A'))
  const b = withTemplate(await joinAs('Participant B'))
  const everyone = [host, a, b]
  for (const p of everyone) await expect(p.template.sidebar.getByRole('list', { name: 'People here now' }).getByRole('listitem')).toHaveCount(3)

  await expect(a.template.button('Pair people up')).toHaveCount(0)
  await host.template.button('Pair people up').click()
  // Three people: one trio, and each of them sees the other two and the same question.
  const pairsHeading = (p: Player) => p.template.sidebar.getByRole('heading', { name: /^Coffee pairs/ })
  await expect(pairsHeading(host)).toHaveText(/^Coffee pairs\s*1 group$/)
  const question = (await host.template.sidebar.getByRole('group', { name: 'Your pair' }).locator('.pair-mine__question').textContent()) ?? ''
  expect(question.length).toBeGreaterThan(10)
  for (const [p, others] of [
    [host, ['Participant A', 'Participant B']],
    [a, ['The facilitator', 'Participant B']],
    [b, ['The facilitator', 'Participant A']],
  ] as const) {
    const mine = p.template.sidebar.getByRole('group', { name: 'Your pair' })
    await expect(mine).toContainText('Your trio')
    for (const name of others) await expect(mine).toContainText(name)
    await expect(mine).toContainText(question)
    // Nobody else to list: the trio is everyone.
    await expect(p.template.sidebar.getByRole('list', { name: 'Other pairs' })).toHaveCount(0)
  }
  await snap(a.page, 'pairing-trio')
  expect(await panelViolations(a.page)).toEqual([])

  // A fourth person arrives: pairing again makes two pairs, each with its own question.
  const c = withTemplate(await joinAs('Participant C'))
  await expect(host.template.sidebar.getByRole('list', { name: 'People here now' }).getByRole('listitem')).toHaveCount(4)
  await host.template.button('Pair people up').click()
  await expect(pairsHeading(host)).toHaveText(/^Coffee pairs\s*2 groups$/)
  for (const p of [...everyone, c]) {
    await expect(p.template.sidebar.getByRole('group', { name: 'Your pair' })).toContainText('Your partner')
    await expect(p.template.sidebar.getByRole('list', { name: 'Other pairs' }).getByRole('listitem')).toHaveCount(1)
  }
  const mineQuestion = await c.template.sidebar.getByRole('group', { name: 'Your pair' }).locator('.pair-mine__question').textContent()
  const otherQuestion = await c.template.sidebar.getByRole('list', { name: 'Other pairs' }).locator('.pair-question').textContent()
  expect(mineQuestion).not.toBe(otherQuestion)
  await snap(host.page, 'pairing-pairs')
})
