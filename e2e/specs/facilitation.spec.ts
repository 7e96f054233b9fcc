// Issue "Facilitation that beats Miro": private writing and blind voting, tried as a team would —
// a facilitator and two participants, each in their own browser. Nobody sees another person's
// ideas or votes before the facilitator reveals them; dots go on the sticky itself, by mouse or key.
import { test, expect, type Person } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

type Player = Person & { template: TemplatePanel }
const withTemplate = (person: Person): Player => ({ ...person, template: new TemplatePanel(person.page) })

test.use({ viewport: { width: 1440, height: 900 } })

async function team(newPerson: () => Promise<Person>, joinAs: (name: string) => Promise<Person>, facilitatorUrl: string) {
  const host = withTemplate(await newPerson())
  await host.board.goto(facilitatorUrl)
  await host.board.join('Host')
  const memberA = withTemplate(await joinAs('Member A'))
  const memberB = withTemplate(await joinAs('Member B'))
  return { host, memberA, memberB }
}

test('private writing: each person’s stickies stay theirs until the facilitator reveals them', async ({ newPerson, joinAs, session }) => {
  test.setTimeout(120_000)
  const { host, memberA, memberB } = await team(newPerson, joinAs, session.facilitatorUrl)
  await host.template.goToNextPhase('Frame')
  await host.template.goToNextPhase('Collaborate')

  const privateSwitch = host.page.getByRole('switch', { name: 'Private writing' })
  await privateSwitch.check()
  await expect(memberA.template.sidebar.getByText('Your new stickies are yours alone')).toBeVisible()
  await expect(memberA.page.getByRole('switch', { name: 'Private writing' })).toHaveCount(0)

  await memberA.board.addNote('Half-formed: drop the signup form', { x: 220, y: 220 })
  await memberA.board.addNote('Ask churned users why', { x: 470, y: 220 })
  await memberB.board.addNote('Pair new users with a buddy', { x: 220, y: 470 })
  // The author sees theirs, marked; nobody else does, not even the facilitator — only the counts.
  await expect(memberA.page.getByTestId('private-badge')).toHaveCount(2)
  await expect(host.template.sidebar.getByText('3 ideas so far')).toBeVisible()
  await expect(host.template.sidebar.getByText(/Member A 2/)).toBeVisible()
  await expect(host.board.notes()).toHaveCount(0)
  await expect(memberB.board.notes()).toHaveCount(1)
  await expect(memberB.board.note('Half-formed')).toHaveCount(0)
  await snap(memberA.page, 'private-writing')

  // A reload keeps them: they live on the server, for their author alone.
  await memberA.board.reload()
  await expect(memberA.board.note('Ask churned users why')).toBeVisible()
  await expect(memberA.page.getByTestId('private-badge')).toHaveCount(2)
  await expect(host.board.notes()).toHaveCount(0)

  await host.page.getByRole('checkbox', { name: 'Reveal without author labels' }).check()
  await host.page.getByRole('button', { name: 'Reveal stickies' }).click()
  for (const p of [host, memberA, memberB]) {
    await expect(p.board.notes()).toHaveCount(3)
    await expect(p.board.note('Half-formed: drop the signup form')).toBeVisible()
  }
  await expect(memberA.page.getByTestId('private-badge')).toHaveCount(0)
  await expect(privateSwitch).not.toBeChecked()
  // Revealed without author labels: nobody can tell who wrote which idea.
  await expect(memberB.page.locator('.tl-note__attribution, .author-label')).toHaveCount(0)
  await snap(host.page, 'private-revealed')
})

test('blind voting on the sticky itself: counts stay hidden until the reveal', async ({ newPerson, joinAs, session }) => {
  test.setTimeout(120_000)
  const { host, memberA, memberB } = await team(newPerson, joinAs, session.facilitatorUrl)
  await host.template.goToNextPhase('Frame')
  await host.template.goToNextPhase('Collaborate')
  await memberA.board.addNote('Fix onboarding emails', { x: 220, y: 220 })
  await memberB.board.addNote('Speed up the signup form', { x: 470, y: 220 })
  await expect(host.board.notes()).toHaveCount(2)
  await host.template.goToNextPhase('Converge')
  await expect(host.page.getByRole('switch', { name: 'Hide votes until reveal' })).toBeChecked()

  // Member A votes with the dot on the sticky (mouse), Member B with the key on the selected sticky.
  const dotOn = async (p: Player, text: string) => (await p.template.badgesOver(p.board.note(text))).getByRole('button', { name: /^Vote for this sticky/ })
  await (await dotOn(memberA, 'Fix onboarding emails')).click()
  await (await dotOn(memberA, 'Fix onboarding emails')).click()
  await expect(memberA.template.votesLeft).toContainText('1 of 3 votes left')
  await expect(await dotOn(memberA, 'Fix onboarding emails')).toHaveAccessibleName('Vote for this sticky (your dots: 2)')
  // Select without editing: a click on a sticky that is already selected opens it for typing.
  await memberB.page.mouse.click(...Object.values(await memberB.board.canvasPoint({ x: 700, y: 600 })) as [number, number])
  await memberB.board.note('Speed up the signup form').click()
  await memberB.page.keyboard.press('u')
  await expect(memberB.template.votesLeft).toContainText('2 of 3 votes left')
  await memberB.board.note('Fix onboarding emails').click()
  await memberB.page.keyboard.press('u')
  await memberB.page.keyboard.press('Shift+U')
  await expect(memberB.template.votesLeft).toContainText('2 of 3 votes left')
  await memberB.page.keyboard.press('u')
  await expect(memberB.template.votesLeft).toContainText('1 of 3 votes left')

  // Hidden: nobody sees counts, not even the facilitator; the ranking says so.
  for (const p of [host, memberA, memberB]) await expect(p.page.getByTestId('vote-badge')).toHaveCount(0)
  await expect(host.template.sidebar.getByText('Hidden until the facilitator reveals the votes')).toBeVisible()
  await expect(host.template.sidebar.getByText('2 people have voted')).toBeVisible()
  await snap(memberA.page, 'blind-voting')

  await host.page.getByRole('button', { name: 'Reveal votes' }).click()
  for (const p of [host, memberA, memberB]) {
    await expect((await p.template.badgesOver(p.board.note('Fix onboarding emails'))).getByTestId('vote-badge')).toHaveText('3')
    await expect((await p.template.badgesOver(p.board.note('Speed up the signup form'))).getByTestId('vote-badge')).toHaveText('1')
  }
  await snap(host.page, 'votes-revealed')

  // Split: the top-voted stickies become tasks; a keyboard user claims one on the selected sticky.
  await host.template.goToNextPhase('Split')
  await host.template.button('Convert to tasks').click()
  await expect(memberB.template.task('Speed up the signup form')).toContainText('No owner yet')
  await memberB.page.mouse.click(...(Object.values(await memberB.board.canvasPoint({ x: 700, y: 600 })) as [number, number]))
  await memberB.board.note('Speed up the signup form').click()
  await memberB.page.keyboard.press('c')
  await expect(host.template.task('Speed up the signup form')).toContainText('Member B')
})
