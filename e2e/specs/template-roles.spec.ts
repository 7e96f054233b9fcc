// The template's edges: a viewer sees every phase but no controls, participants never see the
// facilitator's, and the countdown agrees across clients whose clocks disagree.
import { test, expect } from '../fixtures/index.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

const SKEW_MS = 7 * 60_000

test('a viewer and a participant see the phase move but get no facilitator controls', async ({ newPerson, joinAs, session }) => {
  const host = await newPerson()
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const franTemplate = new TemplatePanel(host.page)
  const memberA = await joinAs('Member A')
  const adaTemplate = new TemplatePanel(memberA.page)
  const viewer = await newPerson()
  await viewer.board.goto(session.viewUrl)
  await viewer.board.expectLive()
  const viewerTemplate = new TemplatePanel(viewer.page)

  await franTemplate.goToNextPhase('Frame')
  await viewerTemplate.expectPhase('Frame')
  await adaTemplate.expectPhase('Frame')
  for (const t of [viewerTemplate, adaTemplate]) {
    await expect(t.nextPhase).toHaveCount(0)
    await expect(t.previousPhase).toHaveCount(0)
    await expect(t.sidebar.getByRole('textbox', { name: 'Problem statement' })).toHaveCount(0)
    await expect(t.page.getByRole('button', { name: 'Bring everyone here' })).toHaveCount(0)
    await expect(t.timerButton('Start timer')).toHaveCount(0)
  }
  // A participant answers the three questions for themselves; a viewer only watches.
  await expect(adaTemplate.frameAnswer('Is the problem clear or ambiguous?', 'Clear')).toBeEnabled()
  await expect(viewerTemplate.frameAnswer('Is the problem clear or ambiguous?', 'Clear')).toBeDisabled()
  await franTemplate.frameAnswer('Is the problem clear or ambiguous?', 'Clear').check()
  await franTemplate.frameAnswer('Do you need speed or buy-in?', 'Speed').check()
  await franTemplate.frameAnswer('Is the work independent or interdependent?', 'Independent').check()
  await expect(viewerTemplate.sidebar.getByText('Skip straight to split')).toBeVisible()

  await franTemplate.goToNextPhase('Collaborate')
  await franTemplate.goToNextPhase('Converge')
  await viewerTemplate.expectPhase('Converge')
  // A viewer has no votes to spend; a participant has three.
  await expect(viewerTemplate.votesLeft).toHaveCount(0)
  await expect(viewerTemplate.button('Vote')).toHaveCount(0)
  await expect(adaTemplate.votesLeft).toContainText('3 of 3 votes left')
  await expect(adaTemplate.sidebar.getByRole('spinbutton', { name: 'Votes per person' })).toHaveCount(0)
  await franTemplate.sidebar.getByRole('spinbutton', { name: 'Votes per person' }).fill('5')
  await expect(adaTemplate.votesLeft).toContainText('5 of 5 votes left')

  // Back one step works too, and everyone follows.
  await franTemplate.previousPhase.click()
  await adaTemplate.expectPhase('Collaborate')
  await viewerTemplate.expectPhase('Collaborate')
})

test('the countdown shows the same time on a client whose clock is seven minutes fast', async ({ newPerson, joinAs, session }) => {
  const host = await newPerson()
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const franTemplate = new TemplatePanel(host.page)
  const memberA = await joinAs('Member A')
  const memberB = await newPerson()
  await memberB.context.addInitScript((skew: number) => {
    const realNow = Date.now.bind(Date)
    Date.now = () => realNow() + skew
  }, SKEW_MS)
  await memberB.board.goto(session.joinUrl)
  await memberB.board.join('Member B')
  expect(await memberB.page.evaluate(() => Date.now()) - Date.now()).toBeGreaterThan(SKEW_MS - 5_000)

  await franTemplate.goToNextPhase('Frame')
  await franTemplate.goToNextPhase('Collaborate')
  await franTemplate.timerButton('Start timer').click()

  const seconds = async (page: typeof memberA.page): Promise<number> => {
    const text = (await page.getByRole('timer', { name: 'Time left' }).textContent()) ?? ''
    const [m, s] = text.split(':').map(Number)
    return (m ?? 0) * 60 + (s ?? 0)
  }
  const bobTemplate = new TemplatePanel(memberB.page)
  await expect(bobTemplate.timeBox.getByRole('status')).toHaveText('Running')
  // Read both screens at (nearly) the same moment: they agree to within two seconds, and both
  // show close to the full ten minutes rather than Member B's clock eating seven of them.
  await expect
    .poll(async () => {
      const [a, b] = await Promise.all([seconds(memberA.page), seconds(memberB.page)])
      return Math.abs(a - b) <= 2 && b > 9 * 60
    })
    .toBe(true)
})
