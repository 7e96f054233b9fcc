// Issue "Collaborate, then split": a facilitator and two participants, each in their own browser,
// run the whole template from warm-up to review — stickies, dot votes, conversion into tasks,
// a claim, an assignment, auto-balance, statuses — and the export lists every task with its owner.
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { test, expect, type Person } from '../fixtures/index.ts'
import { addSticky, TemplatePanel } from '../pages/TemplatePanel.ts'

type Player = Person & { template: TemplatePanel }

/** Set SANDBOX_SCREENSHOTS=1 to write docs/screenshots/phase-<name>.png (the facilitator's screen) and my-tasks.png. */
const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
async function snap(page: Page, name: string): Promise<void> {
  if (!process.env.SANDBOX_SCREENSHOTS) return
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  await page.mouse.move(1, 1)
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` })
}

const withTemplate = (person: Person): Player => ({ ...person, template: new TemplatePanel(person.page) })

test.use({ viewport: { width: 1440, height: 900 } })

test('facilitator and two participants run the template from warm-up to review', async ({ newPerson, joinAs, session, request }) => {
  test.setTimeout(180_000)
  const fran = withTemplate(await newPerson())
  await fran.board.goto(session.facilitatorUrl)
  await fran.board.join('Fran')
  const ada = withTemplate(await joinAs('Ada'))
  const bob = withTemplate(await joinAs('Bob'))
  const everyone = [fran, ada, bob]

  // ── Warm-up: a question on the board; only the facilitator moves things along. ──
  for (const p of everyone) await p.template.expectPhase('Warm-up')
  const people = ada.template.sidebar.getByRole('list', { name: 'People here now' })
  await expect(people.getByRole('listitem')).toHaveCount(3)
  await expect(ada.template.nextPhase).toHaveCount(0)
  await expect(ada.template.button('Another question')).toHaveCount(0)
  const question = ada.template.sidebar.locator('.warmup-question')
  const firstQuestion = await question.textContent()
  await fran.template.button('Another question').click()
  await expect(question).not.toHaveText(firstQuestion ?? '')
  await expect(fran.template.sidebar.locator('.warmup-question')).toHaveText((await question.textContent()) ?? '')
  await snap(fran.page, 'phase-warmup')

  // ── Frame: problem statement and the three questions → a recommendation everyone sees. ──
  await fran.template.goToNextPhase('Frame')
  await bob.template.expectPhase('Frame')
  await fran.template.sidebar.getByRole('textbox', { name: 'Problem statement' }).fill('New customers drop off in their first week.')
  await fran.template.frameAnswer('Is the problem clear or ambiguous?', 'Ambiguous').check()
  await fran.template.frameAnswer('Do you need speed or buy-in?', 'Buy-in').check()
  await fran.template.frameAnswer('Is the work independent or interdependent?', 'Interdependent').check()
  await expect(bob.template.sidebar.getByText('New customers drop off in their first week.')).toBeVisible()
  await expect(bob.template.sidebar.getByText('Collaborate first')).toBeVisible()
  await expect(bob.template.frameAnswer('Do you need speed or buy-in?', 'Buy-in')).toBeChecked()
  await expect(bob.template.frameAnswer('Do you need speed or buy-in?', 'Buy-in')).toBeDisabled()
  await snap(fran.page, 'phase-frame')

  // ── Collaborate: a shared timer and stickies from both participants. ──
  await fran.template.goToNextPhase('Collaborate')
  await fran.template.button('Start timer').click()
  await expect(ada.template.sidebar.getByRole('status').filter({ hasText: 'Running' })).toBeVisible()
  await fran.template.button('Add 5 minutes').click()
  await expect(ada.template.sidebar.getByRole('timer', { name: 'Time left' })).toHaveText(/^1[45]:\d\d$/)
  await fran.template.button('Pause timer').click()
  await expect(bob.template.sidebar.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible()
  const pausedAt = await bob.template.sidebar.getByRole('timer').textContent()
  await expect(ada.template.sidebar.getByRole('timer')).toHaveText(pausedAt ?? '')
  await addSticky(ada.board, 'Fix onboarding emails', { x: 200, y: 200 })
  await addSticky(ada.board, 'Write a getting-started guide', { x: 450, y: 200 })
  await addSticky(bob.board, 'Speed up the signup form', { x: 200, y: 450 })
  await addSticky(bob.board, 'Plan a team offsite', { x: 450, y: 450 })
  for (const p of everyone) await expect(p.board.notes()).toHaveCount(4)
  await snap(fran.page, 'phase-collaborate')

  // ── Converge: three dots each; the limit holds, a dot can be taken back. ──
  await fran.template.goToNextPhase('Converge')
  await expect(ada.template.votesLeft).toContainText('3 of 3 votes left')
  const vote = async (p: Player, text: string, times: number) => {
    await p.board.note(text).click()
    await expect(p.template.sidebar.getByText(`“${text}”`)).toBeVisible()
    for (let i = 0; i < times; i++) await p.template.button('Vote').click()
  }
  await vote(ada, 'Fix onboarding emails', 2)
  await vote(ada, 'Speed up the signup form', 1)
  await expect(ada.template.votesLeft).toContainText('0 of 3 votes left')
  await expect(ada.template.button('Vote')).toBeDisabled()
  await ada.template.button('Take back a vote').click()
  await expect(ada.template.votesLeft).toContainText('1 of 3 votes left')
  await vote(ada, 'Write a getting-started guide', 1)
  await vote(bob, 'Fix onboarding emails', 1)
  await vote(bob, 'Speed up the signup form', 2)
  const onboardingBadges = await fran.template.badgesOver(fran.board.note('Fix onboarding emails'))
  await expect(onboardingBadges.getByTestId('vote-badge')).toHaveText('3')
  await expect((await fran.template.badgesOver(fran.board.note('Speed up the signup form'))).getByTestId('vote-badge')).toHaveText('2')
  await expect((await fran.template.badgesOver(fran.board.note('Plan a team offsite'))).getByTestId('vote-badge')).toHaveCount(0)
  await snap(fran.page, 'phase-converge')

  // ── Split: convert the top-voted stickies (plus one picked by hand), then give each an owner. ──
  await fran.template.goToNextPhase('Split')
  await expect(fran.template.pickSticky('Fix onboarding emails')).toBeChecked()
  await expect(fran.template.pickSticky('Speed up the signup form')).toBeChecked()
  await expect(fran.template.pickSticky('Write a getting-started guide')).toBeChecked()
  await expect(fran.template.pickSticky('Plan a team offsite')).not.toBeChecked()
  await fran.template.pickSticky('Plan a team offsite').check()
  await fran.template.button('Convert to tasks').click()
  const titles = ['Fix onboarding emails', 'Speed up the signup form', 'Write a getting-started guide', 'Plan a team offsite']
  for (const p of everyone) for (const t of titles) await expect(p.template.task(t)).toContainText('No owner yet')

  await fran.template.nextPhase.click()
  await expect(fran.template.phaseRefusal).toContainText('4 tasks have no owner yet')
  await expect(fran.template.phaseRefusal).toContainText('“Plan a team offsite”')
  await fran.template.expectPhase('Split')

  await ada.template.task('Fix onboarding emails').getByRole('button', { name: "I'll take it" }).click()
  await expect(fran.template.task('Fix onboarding emails')).toContainText('Ada')
  await fran.template.ownerPicker('Speed up the signup form').selectOption({ label: 'Bob' })
  await expect(bob.template.task('Speed up the signup form')).toContainText('Bob')
  await expect(bob.template.task('Speed up the signup form')).toContainText('assigned')
  await fran.template.button('Auto-balance').click()
  for (const t of titles) await expect(bob.template.task(t)).not.toContainText('No owner yet')
  await expect(fran.template.sidebar.getByRole('status').filter({ hasText: 'Every task has an owner.' })).toBeVisible()
  const onBobsBoard = await bob.template.badgesOver(bob.board.note('Fix onboarding emails'))
  await expect(onBobsBoard.getByTestId('owner-badge')).toHaveText('Ada')
  await snap(fran.page, 'phase-split')

  // ── Execute: each person works their own tasks. ──
  await fran.template.goToNextPhase('Execute')
  await ada.template.expectPhase('Execute')
  await ada.template.setStatus('Fix onboarding emails', 'Doing')
  await ada.template.myTask('Fix onboarding emails').getByRole('textbox', { name: 'Note' }).fill('Draft sent for review')
  await ada.template.setStatus('Fix onboarding emails', 'Done')
  await bob.template.setStatus('Speed up the signup form', 'Doing')
  await expect(ada.template.myTask('Fix onboarding emails')).toBeVisible()
  await expect(ada.template.sidebar.getByRole('list', { name: 'My tasks' })).not.toContainText('Speed up the signup form')
  await expect(bob.template.myTask('Fix onboarding emails')).toHaveCount(0)
  await expect(fran.template.sidebar.getByRole('status').filter({ hasText: /1 of 4 done · 1 in progress/ })).toBeVisible()

  // Focus mode hides Bob's cursor from Ada, and brings it back when turned off.
  await bob.board.moveCursor({ x: 300, y: 300 })
  await expect(ada.board.collaboratorCursor('Bob')).toBeVisible()
  await ada.template.sidebar.getByRole('switch', { name: 'Focus mode' }).click()
  await bob.board.moveCursor({ x: 500, y: 350 })
  await expect(ada.board.collaboratorCursor('Bob')).toHaveCount(0)
  await ada.template.sidebar.getByRole('switch', { name: 'Focus mode' }).click()
  await expect(ada.board.collaboratorCursor('Bob')).toBeVisible()
  await snap(fran.page, 'phase-execute')

  // The standalone page shows Ada's own tasks, and works without the board.
  const tasksPage = await ada.context.newPage()
  await tasksPage.goto(`/s/${session.id}/tasks?token=${session.tokens.participant}`)
  await expect(tasksPage.getByRole('heading', { name: 'My tasks' })).toBeVisible()
  const adaOnPage = tasksPage.getByRole('list', { name: 'My tasks' }).getByRole('listitem', { name: 'Fix onboarding emails', exact: true })
  await expect(adaOnPage.getByRole('radio', { name: 'Done' })).toBeChecked()
  await expect(tasksPage.getByRole('list', { name: 'My tasks' })).not.toContainText('Speed up the signup form')
  await snap(tasksPage, 'my-tasks')
  await tasksPage.close()

  // ── Review: tasks by owner, a summary, and the export. ──
  await fran.template.goToNextPhase('Review')
  await expect(ada.template.sidebar.getByRole('region', { name: 'Tasks of Ada' })).toContainText('Fix onboarding emails')
  await expect(ada.template.sidebar.getByRole('region', { name: 'Tasks of Bob' })).toContainText('Speed up the signup form')
  await expect(fran.template.sidebar.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /format=csv&token=/)
  await expect(fran.template.sidebar.getByRole('link', { name: 'Download JSON' })).toHaveAttribute('href', /format=json&token=/)
  await expect(fran.template.button('Copy as Markdown')).toBeVisible()
  await snap(fran.page, 'phase-review')

  const response = await request.get(`/api/sessions/${session.id}/tasks?format=json`, {
    headers: { Authorization: `Bearer ${session.tokens.participant}` },
  })
  expect(response.status()).toBe(200)
  const body = (await response.json()) as { tasks: { title: string; ownerName: string | null; ownerId: string | null; status: string; ownerSource: string }[] }
  expect(body.tasks.map((t) => t.title).sort()).toEqual([...titles].sort())
  for (const t of body.tasks) expect(t.ownerId, `${t.title} has an owner`).toBeTruthy()
  const byTitle = new Map(body.tasks.map((t) => [t.title, t]))
  expect(byTitle.get('Fix onboarding emails')).toMatchObject({ ownerName: 'Ada', ownerSource: 'claim', status: 'done' })
  expect(byTitle.get('Speed up the signup form')).toMatchObject({ ownerName: 'Bob', ownerSource: 'assign', status: 'doing' })
  for (const t of ['Write a getting-started guide', 'Plan a team offsite']) {
    expect(byTitle.get(t)?.ownerSource).toBe('balance')
    expect(['Fran', 'Ada', 'Bob']).toContain(byTitle.get(t)?.ownerName)
  }
  // Fran had nothing after the claim and the assignment, so auto-balance gave her one first.
  expect(body.tasks.some((t) => t.ownerName === 'Fran')).toBe(true)
})
