// Issue "Collaborate, then split": a facilitator and two participants, each in their own browser,
// run the whole template from warm-up to review — stickies, dot votes, conversion into tasks,
// a claim, an assignment, auto-balance, statuses — and the export lists every task with its owner.
import type { Page } from '@playwright/test'
import { test, expect, type Person } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { addSticky, TemplatePanel } from '../pages/TemplatePanel.ts'

type Player = Person & { template: TemplatePanel }

const withTemplate = (person: Person): Player => ({ ...person, template: new TemplatePanel(person.page) })

test.use({ viewport: { width: 1440, height: 900 } })

test('facilitator and two participants run the template from warm-up to review', async ({ newPerson, joinAs, session, request }) => {
  test.setTimeout(180_000)
  const host = withTemplate(await newPerson())
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const memberA = withTemplate(await joinAs('Member A'))
  const memberB = withTemplate(await joinAs('Member B'))
  const everyone = [host, memberA, memberB]

  // ── Warm-up: a question on the board; only the facilitator moves things along. ──
  for (const p of everyone) await p.template.expectPhase('Warm-up')
  const people = memberA.template.sidebar.getByRole('list', { name: 'People here now' })
  await expect(people.getByRole('listitem')).toHaveCount(3)
  await expect(memberA.template.nextPhase).toHaveCount(0)
  await expect(memberA.template.button('Another question')).toHaveCount(0)
  const question = memberA.template.sidebar.locator('.warmup-question')
  const firstQuestion = await question.textContent()
  await host.template.button('Another question').click()
  await expect(question).not.toHaveText(firstQuestion ?? '')
  await expect(host.template.sidebar.locator('.warmup-question')).toHaveText((await question.textContent()) ?? '')
  await snap(host.page, 'phase-warmup')

  // ── Frame: problem statement and the three questions → a recommendation everyone sees. ──
  await host.template.goToNextPhase('Frame')
  await memberB.template.expectPhase('Frame')
  await host.template.sidebar.getByRole('textbox', { name: 'Problem statement' }).fill('New customers drop off in their first week.')
  await host.template.frameAnswer('Is the problem clear or ambiguous?', 'Ambiguous').check()
  await host.template.frameAnswer('Do you need speed or buy-in?', 'Buy-in').check()
  await host.template.frameAnswer('Is the work independent or interdependent?', 'Interdependent').check()
  await expect(memberB.template.sidebar.getByText('New customers drop off in their first week.')).toBeVisible()
  await expect(memberB.template.sidebar.getByText('Collaborate first')).toBeVisible()
  // Everyone answers for themselves: the facilitator's answers are not Member B's.
  await expect(memberB.template.frameAnswer('Do you need speed or buy-in?', 'Buy-in')).not.toBeChecked()
  await expect(memberB.template.frameAnswer('Do you need speed or buy-in?', 'Buy-in')).toBeEnabled()
  await snap(host.page, 'phase-frame')

  // ── Collaborate: a shared timer (in the phase bar) and stickies from both participants. ──
  await host.template.goToNextPhase('Collaborate')
  await host.template.timerButton('Start timer').click()
  await expect(memberA.template.timeBox.getByRole('status')).toHaveText('Running')
  await host.template.timerButton('Add 5 minutes').click()
  await expect(memberA.template.timeBox.getByRole('timer', { name: 'Time left' })).toHaveText(/^1[45]:\d\d$/)
  await host.template.timerButton('Pause timer').click()
  await expect(memberB.template.timeBox.getByRole('status')).toHaveText('Paused')
  const pausedAt = await memberB.template.timeBox.getByRole('timer').textContent()
  await expect(memberA.template.timeBox.getByRole('timer')).toHaveText(pausedAt ?? '')
  await addSticky(memberA.board, 'Fix onboarding emails', { x: 200, y: 200 })
  await addSticky(memberA.board, 'Write a getting-started guide', { x: 450, y: 200 })
  await addSticky(memberB.board, 'Speed up the signup form', { x: 200, y: 450 })
  await addSticky(memberB.board, 'Plan a team offsite', { x: 450, y: 450 })
  for (const p of everyone) await expect(p.board.notes()).toHaveCount(4)
  await snap(host.page, 'phase-collaborate')

  // ── Converge: three dots each; the limit holds, a dot can be taken back. ──
  await host.template.goToNextPhase('Converge')
  await expect(memberA.template.votesLeft).toContainText('3 of 3 votes left')
  const vote = async (p: Player, text: string, times: number) => {
    await p.board.note(text).click()
    await expect(p.template.sidebar.getByText(`“${text}”`)).toBeVisible()
    for (let i = 0; i < times; i++) await p.template.button('Vote').click()
  }
  await vote(memberA, 'Fix onboarding emails', 2)
  await vote(memberA, 'Speed up the signup form', 1)
  await expect(memberA.template.votesLeft).toContainText('0 of 3 votes left')
  await expect(memberA.template.button('Vote')).toBeDisabled()
  await memberA.template.button('Take back a vote').click()
  await expect(memberA.template.votesLeft).toContainText('1 of 3 votes left')
  await vote(memberA, 'Write a getting-started guide', 1)
  await vote(memberB, 'Fix onboarding emails', 1)
  await vote(memberB, 'Speed up the signup form', 2)
  // Votes are hidden until the facilitator reveals them: nobody piles onto what already has dots.
  await expect(host.page.getByTestId('vote-badge')).toHaveCount(0)
  await expect(memberB.page.getByTestId('vote-badge')).toHaveCount(0)
  await host.page.getByRole('button', { name: 'Reveal votes' }).click()
  const onboardingBadges = await host.template.badgesOver(host.board.note('Fix onboarding emails'))
  await expect(onboardingBadges.getByTestId('vote-badge')).toHaveText('3')
  await expect((await host.template.badgesOver(host.board.note('Speed up the signup form'))).getByTestId('vote-badge')).toHaveText('2')
  await expect((await host.template.badgesOver(host.board.note('Plan a team offsite'))).getByTestId('vote-badge')).toHaveCount(0)
  await snap(host.page, 'phase-converge')

  // ── Split: convert the top-voted stickies (plus one picked by hand), then give each an owner. ──
  await host.template.goToNextPhase('Split')
  await expect(host.template.pickSticky('Fix onboarding emails')).toBeChecked()
  await expect(host.template.pickSticky('Speed up the signup form')).toBeChecked()
  await expect(host.template.pickSticky('Write a getting-started guide')).toBeChecked()
  await expect(host.template.pickSticky('Plan a team offsite')).not.toBeChecked()
  await host.template.pickSticky('Plan a team offsite').check()
  await host.template.button('Convert to tasks').click()
  const titles = ['Fix onboarding emails', 'Speed up the signup form', 'Write a getting-started guide', 'Plan a team offsite']
  for (const p of everyone) for (const t of titles) await expect(p.template.task(t)).toContainText('No owner yet')

  await host.template.nextPhase.click()
  await expect(host.template.phaseRefusal).toContainText('4 tasks have no owner yet')
  await expect(host.template.phaseRefusal).toContainText('“Plan a team offsite”')
  await host.template.expectPhase('Split')

  await memberA.template.task('Fix onboarding emails').getByRole('button', { name: "I'll take it" }).click()
  await expect(host.template.task('Fix onboarding emails')).toContainText('Member A')
  await host.template.ownerPicker('Speed up the signup form').selectOption({ label: 'Member B' })
  await expect(memberB.template.task('Speed up the signup form')).toContainText('Member B')
  await expect(memberB.template.task('Speed up the signup form')).toContainText('assigned')
  await host.template.button('Auto-balance').click()
  for (const t of titles) await expect(memberB.template.task(t)).not.toContainText('No owner yet')
  await expect(host.template.sidebar.getByRole('status').filter({ hasText: 'Every task has an owner.' })).toBeVisible()
  const onBobsBoard = await memberB.template.badgesOver(memberB.board.note('Fix onboarding emails'))
  await expect(onBobsBoard.getByTestId('owner-badge')).toHaveText('Member A')
  await snap(host.page, 'phase-split')

  // ── Execute: each person works their own tasks. ──
  await host.template.goToNextPhase('Execute')
  await memberA.template.expectPhase('Execute')
  await memberA.template.setStatus('Fix onboarding emails', 'Doing')
  await memberA.template.myTask('Fix onboarding emails').getByRole('textbox', { name: 'Note' }).fill('Draft sent for review')
  await memberA.template.setStatus('Fix onboarding emails', 'Done')
  await memberB.template.setStatus('Speed up the signup form', 'Doing')
  await expect(memberA.template.myTask('Fix onboarding emails')).toBeVisible()
  await expect(memberA.template.sidebar.getByRole('list', { name: 'My tasks' })).not.toContainText('Speed up the signup form')
  await expect(memberB.template.myTask('Fix onboarding emails')).toHaveCount(0)
  await expect(host.template.sidebar.getByRole('status').filter({ hasText: /1 of 4 done · 1 in progress/ })).toBeVisible()

  // Focus mode hides Member B's cursor from Member A, and brings it back when turned off.
  await memberB.board.moveCursor({ x: 300, y: 300 })
  await expect(memberA.board.collaboratorCursor('Member B')).toBeVisible()
  await memberA.template.sidebar.getByRole('switch', { name: 'Focus mode' }).click()
  await memberB.board.moveCursor({ x: 500, y: 350 })
  await expect(memberA.board.collaboratorCursor('Member B')).toHaveCount(0)
  await memberA.template.sidebar.getByRole('switch', { name: 'Focus mode' }).click()
  await expect(memberA.board.collaboratorCursor('Member B')).toBeVisible()
  await snap(host.page, 'phase-execute')

  // The standalone page shows Member A's own tasks, and works without the board.
  const tasksPage = await memberA.context.newPage()
  await tasksPage.goto(`/s/${session.id}/tasks?token=${session.tokens.participant}`)
  await expect(tasksPage.getByRole('heading', { name: 'My tasks' })).toBeVisible()
  const adaOnPage = tasksPage.getByRole('list', { name: 'My tasks' }).getByRole('listitem', { name: 'Fix onboarding emails', exact: true })
  await expect(adaOnPage.getByRole('radio', { name: 'Done' })).toBeChecked()
  await expect(tasksPage.getByRole('list', { name: 'My tasks' })).not.toContainText('Speed up the signup form')
  await snap(tasksPage, 'my-tasks')
  await tasksPage.close()

  // The page shows the tasks before its live half (Yjs, the socket) has arrived: read-only until then.
  const early = await memberA.context.newPage()
  let releaseLive = () => {}
  const liveHeld = new Promise<void>((resolve) => (releaseLive = resolve))
  await early.route(/\/assets\/MyTasksLive-[^/]*\.js$/, async (route) => {
    await liveHeld
    await route.continue()
  })
  await early.goto(`/s/${session.id}/tasks?token=${session.tokens.participant}`)
  const adaEarly = early.getByRole('list', { name: 'My tasks' }).getByRole('listitem', { name: 'Fix onboarding emails', exact: true })
  await expect(adaEarly.getByRole('radio', { name: 'Done' })).toBeChecked()
  await expect(adaEarly.getByRole('radio', { name: 'Doing' })).toBeDisabled()
  await expect(early.getByRole('status', { name: 'Connection' })).toHaveText('Connecting…')
  await snap(early, 'my-tasks-before-live')
  releaseLive()
  await expect(adaEarly.getByRole('radio', { name: 'Doing' })).toBeEnabled()
  await expect(early.getByRole('status', { name: 'Connection' })).toHaveText('Live')
  await early.close()

  // ── Review: tasks by owner, a summary, and the export. ──
  await host.template.goToNextPhase('Review')
  await expect(memberA.template.sidebar.getByRole('region', { name: 'Tasks of Member A' })).toContainText('Fix onboarding emails')
  await expect(memberA.template.sidebar.getByRole('region', { name: 'Tasks of Member B' })).toContainText('Speed up the signup form')
  await expect(host.template.sidebar.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /format=csv&token=/)
  await expect(host.template.sidebar.getByRole('link', { name: 'Download JSON' })).toHaveAttribute('href', /format=json&token=/)
  await expect(host.template.button('Copy as Markdown')).toBeVisible()
  await snap(host.page, 'phase-review')

  const response = await request.get(`/api/sessions/${session.id}/tasks?format=json`, {
    headers: { Authorization: `Bearer ${session.tokens.participant}` },
  })
  expect(response.status()).toBe(200)
  const body = (await response.json()) as { tasks: { title: string; ownerName: string | null; ownerId: string | null; status: string; ownerSource: string }[] }
  expect(body.tasks.map((t) => t.title).sort()).toEqual([...titles].sort())
  for (const t of body.tasks) expect(t.ownerId, `${t.title} has an owner`).toBeTruthy()
  const byTitle = new Map(body.tasks.map((t) => [t.title, t]))
  expect(byTitle.get('Fix onboarding emails')).toMatchObject({ ownerName: 'Member A', ownerSource: 'claim', status: 'done' })
  expect(byTitle.get('Speed up the signup form')).toMatchObject({ ownerName: 'Member B', ownerSource: 'assign', status: 'doing' })
  for (const t of ['Write a getting-started guide', 'Plan a team offsite']) {
    expect(byTitle.get(t)?.ownerSource).toBe('balance')
    expect(['Host', 'Member A', 'Member B']).toContain(byTitle.get(t)?.ownerName)
  }
  // Host had nothing after the claim and the assignment, so auto-balance gave her one first.
  expect(body.tasks.some((t) => t.ownerName === 'Host')).toBe(true)
})
