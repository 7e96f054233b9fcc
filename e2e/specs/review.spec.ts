// The review's outcomes in a real browser: the balance of modes (together vs apart, tasks per
// person, the overload warning) and posting the review to a chat webhook — a real HTTP receiver
// on this machine, allowed through WEBHOOK_ALLOWED_HOSTS.
import { Root, type Task } from '@sandbox/shared'
import { recordToYMap } from '@sandbox/shared'
import { stickyRecord } from '@sandbox/shared/board'
import { startReceiver } from '../../server/src/testing/receiver.ts'
import { test, expect, type CreatedSession } from '../fixtures/index.ts'
import { snap } from '../fixtures/screenshots.ts'
import { stockFacilitator } from '../fixtures/stockClient.ts'
import { TemplatePanel } from '../pages/TemplatePanel.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const SECRET = 'XOXSECRETPART1234'

let receiver: Awaited<ReturnType<typeof startReceiver>>
const savedEnv = process.env.WEBHOOK_ALLOWED_HOSTS
test.beforeAll(async () => {
  receiver = await startReceiver()
  // The server each test launches inherits this: it may post to the receiver and nowhere else.
  process.env.WEBHOOK_ALLOWED_HOSTS = receiver.host
})
test.afterAll(async () => {
  if (savedEnv === undefined) delete process.env.WEBHOOK_ALLOWED_HOSTS
  else process.env.WEBHOOK_ALLOWED_HOSTS = savedEnv
  await receiver.close()
})

async function joinMember(baseURL: string, session: CreatedSession, name: string) {
  const res = await fetch(`${baseURL}/api/sessions/${session.id}/participants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens.participant}` },
    body: JSON.stringify({ name }),
  })
  return (await res.json()) as { participantId: string; name: string; color: string }
}

/** A session that ran its course: ideas, owners (one with most of the work), some of it done. */
async function runSession(baseURL: string, session: CreatedSession): Promise<void> {
  const host = await stockFacilitator(baseURL, session, 'Host')
  const members = [await joinMember(baseURL, session, 'Member A'), await joinMember(baseURL, session, 'Member B'), await joinMember(baseURL, session, 'Member C')]
  const s = host.doc.getMap(Root.session)
  s.set('problem', 'New teammates take three weeks to ship their first change')
  for (const [i, text] of ['Pair on the first week', 'A getting-started guide', 'Smaller first tickets'].entries()) {
    host.doc.getMap(Root.records).set(`shape:idea${i}`, recordToYMap(stickyRecord({ id: `shape:idea${i}`, x: 120 + i * 240, y: 200, text, index: `a${i + 2}` })))
  }
  for (const phase of ['frame', 'collaborate', 'converge', 'split'] as const) {
    s.set('phase', phase)
    await sleep(500)
  }
  const [a, b, c] = members as [(typeof members)[number], (typeof members)[number], (typeof members)[number]]
  const owners = [a, a, a, a, a, b, c]
  const titles = ['Write the guide', 'Record a walkthrough', 'Set up a sandbox repo', 'List first tickets', 'Review the guide', 'Pair in week one', 'Trim the checklist']
  host.doc.transact(() => {
    owners.forEach((o, i) => {
      const task: Task = {
        id: `t${i}`, title: titles[i] ?? '', description: '', note: '', ownerId: o.participantId, ownerName: o.name, ownerColor: o.color,
        ownerSource: 'claim', status: 'todo', sourceShapeIds: [], createdAt: Date.now(),
      }
      host.doc.getMap(Root.tasks).set(task.id, task)
    })
  })
  s.set('phase', 'execute')
  await sleep(1_500)
  const tasks = host.doc.getMap(Root.tasks)
  for (const [id, status] of [['t0', 'done'], ['t1', 'doing'], ['t5', 'done'], ['t6', 'doing']] as const) {
    tasks.set(id, { ...(tasks.get(id) as Task), status })
    await sleep(200)
  }
  await sleep(1_000)
  s.set('phase', 'review')
  await sleep(300)
  host.destroy()
}

test('the review shows the balance of modes and posts to the team’s chat', async ({ baseURL, session, newPerson }) => {
  await runSession(baseURL as string, session)
  const facilitator = await newPerson()
  await facilitator.page.setViewportSize({ width: 1360, height: 1400 })
  await facilitator.board.goto(session.facilitatorUrl)
  await facilitator.board.join('Lead')
  const template = new TemplatePanel(facilitator.page)
  await template.expectPhase('Review')

  const balance = template.sidebar.getByRole('region', { name: 'Balance of modes' })
  await expect(balance.getByRole('img', { name: /^Together .+, apart .+/ })).toBeVisible()
  await expect(balance.getByRole('img', { name: /^Tasks per person\. Member A: 5 tasks, 1 done; Member B: 1 task, 1 done; Member C: 1 task, 0 done/ })).toBeVisible()
  await expect(balance.getByRole('status')).toContainText('Overload: Member A owns 5 tasks, more than twice a fair share')
  await expect(template.sidebar.getByRole('link', { name: 'CSV for Jira' })).toHaveAttribute('href', /format=jira&token=/)

  // Post to chat: set the webhook (shown masked), post, and see it land.
  const chat = template.sidebar.getByRole('region', { name: 'Tell the team' })
  await expect(chat.getByRole('button', { name: 'Post to chat' })).toBeDisabled()
  await chat.getByRole('button', { name: 'Set the Slack webhook' }).click()
  // A host the server may not post to is refused, with the reason, and nothing is saved.
  await chat.getByLabel('Slack webhook URL').fill('https://chat.example.com/hook')
  await chat.getByRole('button', { name: 'Save' }).click()
  await expect(chat.getByRole('alert')).toHaveText(/^Slack: Refused: host not allowed \(chat\.example\.com\)/)
  await chat.getByLabel('Slack webhook URL').fill(`${receiver.base}/slack/ok?token=${SECRET}`)
  await chat.getByRole('button', { name: 'Save' }).click()
  await expect(chat).toContainText(`${receiver.host}…1234`)
  await expect(chat).not.toContainText(SECRET)
  await expect(chat.getByRole('alert')).toHaveCount(0)
  // Teams answers 500: the panel says so while the server retries.
  await chat.getByRole('button', { name: 'Set the Microsoft Teams webhook' }).click()
  await chat.getByLabel('Microsoft Teams webhook URL').fill(`${receiver.base}/teams/fail`)
  await chat.getByRole('button', { name: 'Save' }).click()
  await chat.getByRole('checkbox', { name: 'Also post when a task is done' }).check()
  await chat.getByRole('button', { name: 'Post to chat' }).click()
  await expect(chat.getByRole('status')).toContainText('Posted to Slack')
  await expect(chat.getByRole('status')).toContainText(/Microsoft Teams answered 500 \(boom\) — retrying \(attempt [234] of 4\)/)
  const posted = receiver.received.find((r) => r.path === '/slack/ok')?.body as { text: string; blocks: { type: string }[] }
  expect(posted.text).toBe('Review of “E2E session”: 2 of 7 tasks done')
  expect(posted.blocks[0]?.type).toBe('header')

  await balance.scrollIntoViewIfNeeded()
  await snap(facilitator.page, 'review-balance')
  await chat.scrollIntoViewIfNeeded()
  await snap(facilitator.page, 'review-post-to-chat')
})
