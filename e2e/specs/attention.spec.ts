// Issue "Facilitation that beats Miro", attention: everyone answers the frame questions and the
// facilitator sees the group; "Bring everyone here" moves every view to the facilitator's;
// clicking a name follows that person's view until you move; the shared timer runs in any phase
// and ends with a "Time's up" banner (and a chime, unless muted) for everyone.
import { test, expect, type Person } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { addSticky, TemplatePanel } from '../pages/TemplatePanel.ts'

type Player = Person & { template: TemplatePanel }
const withTemplate = (person: Person): Player => ({ ...person, template: new TemplatePanel(person.page) })

test.use({ viewport: { width: 1440, height: 900 } })
// Three browsers and a server on a shared two-core machine: joining alone can take a while.
test.describe.configure({ timeout: 150_000 })

const CLARITY = 'Is the problem clear or ambiguous?'
const PRIORITY = 'Do you need speed or buy-in?'
const DEPENDENCE = 'Is the work independent or interdependent?'

test('everyone answers the three questions; the facilitator sees the group and decides', async ({ newPerson, joinAs, session }) => {
  const host = withTemplate(await newPerson())
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const memberA = withTemplate(await joinAs('Member A'))
  const memberB = withTemplate(await joinAs('Member B'))

  await host.template.goToNextPhase('Frame')
  await memberB.template.expectPhase('Frame')
  await host.template.sidebar.getByRole('textbox', { name: 'Problem statement' }).fill('New customers drop off in their first week.')
  const answers: [Player, string, string, string][] = [
    [host, 'Ambiguous', 'Buy-in', 'Interdependent'],
    [memberA, 'Ambiguous', 'Speed', 'Interdependent'],
    [memberB, 'Clear', 'Buy-in', 'Interdependent'],
  ]
  const progress = host.template.sidebar.getByRole('status', { name: 'Answers so far' })
  await expect(progress).toContainText('0 of 3 people have answered. Waiting for Host, Member A, Member B.')
  for (const [p, clarity, priority, dependence] of answers) {
    await p.template.frameAnswer(CLARITY, clarity).check()
    await p.template.frameAnswer(PRIORITY, priority).check()
    await p.template.frameAnswer(DEPENDENCE, dependence).check()
    if (p === host) await expect(progress).toHaveText('1 of 3 people have answered: Host. Waiting for Member A, Member B.')
  }
  // Each person's answers stay their own.
  await expect(memberA.template.frameAnswer(PRIORITY, 'Speed')).toBeChecked()
  await expect(memberB.template.frameAnswer(PRIORITY, 'Buy-in')).toBeChecked()

  // The facilitator sees the counts per option and who answered.
  await expect(progress).toHaveText('3 of 3 people have answered: Host, Member A, Member B.')
  const group = host.template.sidebar.getByRole('list', { name: 'The group’s answers' })
  for (const option of ['Ambiguous: 2', 'Clear: 1', 'Buy-in: 2', 'Speed: 1', 'Interdependent: 3', 'Independent: 0']) {
    await expect(group.getByRole('listitem', { name: option, exact: true })).toBeVisible()
  }
  // Participants see how many answered, not how.
  await expect(memberA.template.sidebar.getByRole('list', { name: 'The group’s answers' })).toHaveCount(0)
  await expect(memberA.template.sidebar.getByText('3 of 3 people have answered.')).toBeVisible()

  // The decision starts from the majority, and the recommendation says how strongly the group agrees.
  await expect(host.template.sidebar.getByRole('group', { name: 'Decide: clear or ambiguous' }).getByRole('radio', { name: 'Ambiguous' })).toBeChecked()
  await expect(host.template.sidebar.getByRole('group', { name: 'Decide: speed or buy-in' }).getByRole('radio', { name: 'Buy-in' })).toBeChecked()
  for (const p of [host, memberA, memberB]) {
    await expect(p.template.sidebar.getByText('Collaborate first')).toBeVisible()
    await expect(p.template.sidebar.getByText('Most of the group agrees: 2 of 3 say ambiguous, 2 of 3 say buy-in, 3 of 3 say interdependent.')).toBeVisible()
  }
  // The screenshot shows the group's answers, the decision and the recommendation.
  await host.template.sidebar.getByRole('heading', { name: 'How the group answered' }).evaluate((h) => h.scrollIntoView({ block: 'start' }))
  await snap(host.page, 'frame-group-answers')

  // The facilitator may decide against the group; everyone sees that the group is divided on it.
  await host.template.sidebar.getByRole('group', { name: 'Decide: speed or buy-in' }).getByRole('radio', { name: 'Speed' }).check()
  await expect(memberB.template.sidebar.getByText('The group is divided: 2 of 3 say ambiguous, 1 of 3 say speed, 3 of 3 say interdependent.')).toBeVisible()
})

test('"Bring everyone here" moves every view to the facilitator’s, and a name in the presence list follows that view', async ({ newPerson, joinAs, session }) => {
  const host = withTemplate(await newPerson())
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const memberA = withTemplate(await joinAs('Member A'))
  const memberB = withTemplate(await joinAs('Member B'))
  await expect(memberA.page.getByRole('button', { name: 'Bring everyone here' })).toHaveCount(0)

  // The facilitator scrolls far away and puts a sticky there: nobody else can see it.
  const wheelAway = async (p: Player, dx: number, dy: number) => {
    const centre = await p.board.canvasPoint({ x: 500, y: 350 })
    await p.page.mouse.move(centre.x, centre.y)
    for (let i = 0; i < 6; i++) await p.page.mouse.wheel(dx / 6, dy / 6)
  }
  await wheelAway(host, 4000, 3000)
  const faraway = await addSticky(host.board, 'Look over here', { x: 420, y: 300 })
  await expect(faraway).toBeInViewport()
  for (const p of [memberA, memberB]) {
    await expect(p.board.notes()).toHaveCount(1)
    await expect(p.board.note('Look over here')).not.toBeInViewport()
  }

  await host.page.getByRole('button', { name: 'Bring everyone here' }).click()
  // The short notice on every screen, watched for at once (it goes away after a few seconds).
  await Promise.all([
    expect(host.page.getByRole('status').filter({ hasText: 'Everyone now sees your view' })).toBeVisible(),
    ...[memberA, memberB].map((p) => expect(p.page.getByRole('status').filter({ hasText: 'The facilitator brought everyone here' })).toBeVisible()),
  ])
  const hostBox = await faraway.boundingBox()
  for (const p of [memberA, memberB]) {
    await expect(p.board.note('Look over here')).toBeInViewport()
    // Same window size, same view: the sticky sits where the facilitator sees it.
    await expect
      .poll(async () => {
        const box = await p.board.note('Look over here').boundingBox()
        return box && hostBox ? Math.abs(box.x - hostBox.x) + Math.abs(box.y - hostBox.y) : Infinity
      })
      .toBeLessThan(8)
  }

  // Member B follows the facilitator's view from the presence list, until clicking on the board.
  await memberB.page.getByRole('button', { name: 'Follow Host' }).click()
  const following = memberB.page.getByRole('status').filter({ hasText: 'Following Host' })
  await expect(following).toBeVisible()
  await expect(memberB.page.getByRole('button', { name: 'Follow Host' })).toHaveAttribute('aria-pressed', 'true')
  await wheelAway(host, -6000, 1500)
  const second = await addSticky(host.board, 'Second stop', { x: 300, y: 250 })
  await expect(second).toBeInViewport()
  await expect(memberB.board.note('Second stop')).toBeInViewport()
  await expect(memberA.board.note('Second stop')).not.toBeInViewport()

  const empty = await memberB.board.canvasPoint({ x: 700, y: 600 })
  await memberB.page.mouse.click(empty.x, empty.y)
  await expect(following).toHaveCount(0)
  await expect(memberB.page.getByRole('button', { name: 'Follow Host' })).toHaveAttribute('aria-pressed', 'false')
  await wheelAway(host, 3000, 0)
  await expect(host.board.note('Second stop')).not.toBeInViewport()
  await expect(memberB.board.note('Second stop')).toBeInViewport()

  // The Stop button ends following too.
  await memberA.page.getByRole('button', { name: 'Follow Host' }).click()
  await expect(memberA.page.getByRole('status').filter({ hasText: 'Following Host' })).toBeVisible()
  await memberA.page.getByRole('button', { name: 'Stop', exact: true }).click()
  await expect(memberA.page.getByRole('status').filter({ hasText: 'Following Host' })).toHaveCount(0)
})

test('the timer runs in the frame phase and everyone sees "Time\'s up", late joiners too', async ({ newPerson, joinAs, session }) => {
  // Counts the notes the chime schedules, without changing what the page does.
  const countChimes = async (p: Person) =>
    p.context.addInitScript(() => {
      const w = window as unknown as { chimeNotes: number; AudioContext?: typeof AudioContext }
      w.chimeNotes = 0
      const Ctx = w.AudioContext
      if (!Ctx) return
      const create = Ctx.prototype.createOscillator
      Ctx.prototype.createOscillator = function (this: AudioContext) {
        w.chimeNotes++
        return create.call(this)
      }
    })
  const host = withTemplate(await newPerson())
  await host.board.goto(session.facilitatorUrl)
  await host.board.join('Host')
  const memberAPerson = await newPerson()
  await countChimes(memberAPerson)
  await memberAPerson.board.goto(session.joinUrl)
  await memberAPerson.board.join('Member A')
  const memberA = withTemplate(memberAPerson)

  await host.template.goToNextPhase('Frame')
  await memberA.template.expectPhase('Frame')
  // Member A keeps this device quiet.
  const mute = memberA.page.getByRole('button', { name: 'Mute the timer sound' })
  await expect(mute).toHaveAttribute('aria-pressed', 'false')
  await mute.click()
  await expect(mute).toHaveAttribute('aria-pressed', 'true')

  await host.template.timeBox.getByRole('combobox', { name: 'Timer length' }).selectOption({ label: '30 sec' })
  await expect(memberA.template.timeBox.getByRole('timer', { name: 'Time left' })).toHaveText('0:30')
  await host.template.timerButton('Start timer').click()
  await expect(memberA.template.timeBox.getByRole('status')).toHaveText('Running')

  // Member B arrives while it runs.
  const memberBPerson = await newPerson()
  await countChimes(memberBPerson)
  await memberBPerson.board.goto(session.joinUrl)
  await memberBPerson.board.join('Member B')
  const memberB = withTemplate(memberBPerson)
  await expect(memberB.template.timeBox.getByRole('status')).toHaveText('Running')
  await memberB.page.getByRole('heading', { level: 2 }).click() // an interaction, so the browser lets the page make sound

  const timesUp = (p: Player) => p.page.getByRole('alert').filter({ hasText: "Time's up" })
  for (const p of [memberA, memberB, host]) await expect(timesUp(p)).toBeVisible({ timeout: 45_000 })
  await expect(memberA.template.timeBox.getByRole('timer')).toHaveText('0:00')
  await snap(memberA.page, 'times-up')
  // The chime played where it was not muted.
  await expect.poll(() => memberB.page.evaluate(() => (window as unknown as { chimeNotes: number }).chimeNotes)).toBe(2)
  expect(await memberA.page.evaluate(() => (window as unknown as { chimeNotes: number }).chimeNotes)).toBe(0)

  // Dismissed, it stays dismissed after a reload; so does the mute.
  await timesUp(memberA).getByRole('button', { name: 'Dismiss' }).click()
  await expect(timesUp(memberA)).toHaveCount(0)
  await memberA.board.reload()
  await expect(memberA.template.timeBox.getByRole('status')).toHaveText('Time is up')
  await expect(timesUp(memberA)).toHaveCount(0)
  await expect(memberA.page.getByRole('button', { name: 'Mute the timer sound' })).toHaveAttribute('aria-pressed', 'true')
  await expect(timesUp(memberB)).toBeVisible()

  // A new run brings it back, and the facilitator can reset it from any phase.
  await host.template.timerButton('Reset timer').click()
  await expect(timesUp(memberB)).toHaveCount(0)
  await expect(memberB.template.timeBox.getByRole('status')).toHaveText('Not started')
})
