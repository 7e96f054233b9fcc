// Posting to the team's chat against a real local receiver (testing/receiver.ts), allowed through
// WEBHOOK_ALLOWED_HOSTS as `127.0.0.1:<port>`: the payloads are checked against Block Kit and
// Adaptive Card shapes and limits; a refused host, a 500, a timeout and a redirect each leave the
// facilitator a clear message and lose nothing; webhook URLs never appear in logs or answers.
import { describe, expect, it } from 'vitest'
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  Root,
  SlackLimits,
  TeamsLimits,
  type ChatDelivery,
  type ChatSettingsView,
  type SlackMessage,
  type Task,
  type TeamsMessage,
} from '@sandbox/shared'
import fs from 'node:fs'
import { createSession, joinedClient, sessionWithLog, startServer, tempDataDir, waitFor } from './testing/harness.ts'
import { startReceiver } from './testing/receiver.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()
const SLACK_SECRET = 'T000SLACKSECRET000'
const TEAMS_SECRET = 'sig=TEAMSSECRET999'
const SERVER_SECRET = 'SERVERWIDESECRET777'

async function setup(retryDelaysMs = [40, 40]) {
  const receiver = await startReceiver()
  cleanup.push(() => receiver.close())
  const { server, session, lines } = await sessionWithLog(cleanup.push, {
    webhookAllowedHosts: [receiver.host, 'hooks.slack.com'],
    webhookRetryDelaysMs: retryDelaysMs,
    webhookTimeoutMs: 400,
    // A server-wide default to a host the allow list does not name.
    slackWebhookUrl: `https://hooks.example.net/services/${SERVER_SECRET}`,
  })
  const { client: host, identity } = await joinedClient(server.url, session.id, session.tokens.facilitator, 'Host', cleanup.push)
  const answers: string[] = []
  const call = async (method: string, path: string, body?: unknown, token = session.tokens.facilitator) => {
    const res = await fetch(`${server.url}/api/sessions/${session.id}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    answers.push(text)
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown> }
  }
  const view = async () => (await call('GET', '/chat')).body as unknown as ChatSettingsView
  const delivery = async (channel: string) => (await view()).deliveries.find((d) => d.channel === channel) as ChatDelivery
  const addTasks = (count: number, titleOf = (i: number) => `Task ${i}`) =>
    host.doc.transact(() => {
      for (let i = 0; i < count; i++) {
        const task: Task = {
          id: `t${i}`, title: titleOf(i), description: '', note: '', ownerId: identity.participantId, ownerName: 'Host', ownerColor: identity.color,
          ownerSource: 'claim', status: i % 2 ? 'done' : 'todo', sourceShapeIds: [], createdAt: 1_000 + i,
        }
        host.doc.getMap(Root.tasks).set(task.id, task)
      }
    })
  const noSecrets = () => {
    for (const text of [...lines, ...answers]) for (const secret of [SLACK_SECRET, TEAMS_SECRET, SERVER_SECRET]) expect(text).not.toContain(secret)
  }
  return { server, session, receiver, host, identity, call, view, delivery, addTasks, noSecrets, lines }
}

describe('posting the review to the team’s chat', () => {
  it('posts Block Kit to Slack and an Adaptive Card to Teams, split within their limits, and says so', async () => {
    const t = await setup()
    t.host.doc.getMap(Root.session).set('problem', 'Onboarding takes too long')
    t.addTasks(160, (i) => `${'A long task title that keeps going '.repeat(40)}${i}`)
    await waitFor(async () => (await t.call('GET', '/tasks?format=json')).body.tasks instanceof Array && ((await t.call('GET', '/tasks?format=json')).body.tasks as unknown[]).length === 160, 'tasks stored')

    const saved = await t.call('PUT', '/chat', {
      slackUrl: `${t.receiver.base}/slack/ok?token=${SLACK_SECRET}`,
      teamsUrl: `${t.receiver.base}/teams/ok?${TEAMS_SECRET}`,
    })
    expect(saved.status).toBe(200)
    const channels = (saved.body as unknown as ChatSettingsView).channels
    expect(channels.slack).toEqual({ target: `${t.receiver.host}…${SLACK_SECRET.slice(-4)}`, source: 'session' })
    expect(channels.teams.source).toBe('session')

    const posted = await t.call('POST', '/chat/post', {})
    expect(posted.status).toBe(202)
    expect((posted.body.deliveries as ChatDelivery[]).map((d) => [d.channel, d.state])).toEqual([['slack', 'sending'], ['teams', 'sending']])
    await t.server.chat.idle()

    const slack = t.receiver.received.filter((r) => r.path === '/slack/ok')
    const teams = t.receiver.received.filter((r) => r.path === '/teams/ok')
    expect(slack.length).toBeGreaterThan(1)
    expect(teams.length).toBeGreaterThan(1)
    for (const r of slack) {
      expect(r.contentType).toMatch(/^application\/json/)
      const m = r.body as SlackMessage
      expect(typeof m.text).toBe('string')
      expect(m.blocks.length).toBeLessThanOrEqual(SlackLimits.MAX_BLOCKS)
      expect(m.blocks[0]?.type).toBe('header')
      for (const b of m.blocks) {
        expect(['header', 'section', 'divider', 'context', 'actions']).toContain(b.type)
        if (b.type === 'section') expect(b.text.type === 'mrkdwn' && b.text.text.length <= SlackLimits.MAX_SECTION_CHARS).toBe(true)
        if (b.type === 'header') expect(b.text.type === 'plain_text' && b.text.text.length <= SlackLimits.MAX_HEADER_CHARS).toBe(true)
      }
    }
    const firstSlack = slack[0]?.body as SlackMessage
    expect(JSON.stringify(firstSlack.blocks)).toContain('Onboarding takes too long')
    // The last part links to the session, view only.
    const button = (slack.at(-1)?.body as SlackMessage).blocks.find((b) => b.type === 'actions')
    expect(button?.type === 'actions' && button.elements[0]?.url).toMatch(new RegExp(`/s/${t.session.id}\\?token=${t.session.tokens.viewer}$`))
    for (const r of teams) {
      expect(r.bytes).toBeLessThanOrEqual(TeamsLimits.MAX_MESSAGE_BYTES)
      const m = r.body as TeamsMessage
      expect(m.type).toBe('message')
      expect(m.attachments[0]?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE)
      expect(m.attachments[0]?.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' })
    }
    expect(await t.delivery('slack')).toMatchObject({ state: 'posted', message: `Posted to Slack in ${slack.length} messages`, attempts: 1 })
    expect(await t.delivery('teams')).toMatchObject({ state: 'posted', message: `Posted to Microsoft Teams in ${teams.length} messages` })
    // The log says what happened (so the capture works), without the URLs.
    expect(t.lines.filter((l) => l.includes('"event":"chat.posted"'))).toHaveLength(2)
    expect(t.lines.some((l) => l.includes('"event":"chat.settings"'))).toBe(true)
    t.noSecrets()
  })

  it('refuses hosts not allowed, at saving and at posting, keeping what was set', async () => {
    const t = await setup()
    // The server-wide default names a host the allow list does not: refused, and said why.
    expect((await t.view()).channels.slack).toEqual({ target: 'hooks.example.net…T777', source: 'server' })
    await t.call('POST', '/chat/post', { channels: ['slack'] })
    expect(await t.delivery('slack')).toMatchObject({ state: 'refused', message: 'Refused: host not allowed (hooks.example.net). Whoever runs Sandbox can add it to WEBHOOK_ALLOWED_HOSTS.' })

    const bad = await t.call('PUT', '/chat', { slackUrl: `https://evil.example.com/hook/${SLACK_SECRET}` })
    expect(bad.status).toBe(400)
    expect((bad.body.error as { message: string }).message).toBe('Slack: Refused: host not allowed (evil.example.com). Whoever runs Sandbox can add it to WEBHOOK_ALLOWED_HOSTS.')
    const plain = await t.call('PUT', '/chat', { slackUrl: `http://hooks.slack.com/services/${SLACK_SECRET}` })
    expect((plain.body.error as { message: string }).message).toMatch(/https only/)
    expect((await t.view()).channels.slack.source).toBe('server')
    // Nothing was sent anywhere.
    expect(t.receiver.received).toHaveLength(0)
    t.noSecrets()
  })

  it('retries a 500 with backoff, shows "retrying", then gives up with the reason', async () => {
    const t = await setup([300, 300])
    await t.call('PUT', '/chat', { slackUrl: `${t.receiver.base}/slack/fail?token=${SLACK_SECRET}` })
    await t.call('POST', '/chat/post', { channels: ['slack'] })
    const retrying = await waitFor(async () => {
      const d = await t.delivery('slack')
      return d.state === 'retrying' ? d : null
    }, 'retrying shown')
    expect(retrying.message).toBe('Slack answered 500 (boom) — retrying (attempt 2 of 3)')
    await t.server.chat.idle()
    expect(await t.delivery('slack')).toMatchObject({ state: 'failed', attempts: 3, message: 'Could not post to Slack: Slack answered 500 (boom) after 3 attempts. Post again when it is fixed.' })
    expect(t.receiver.received.filter((r) => r.path === '/slack/fail')).toHaveLength(3)
    t.noSecrets()
  })

  it('sends each part of a long post once: a part that failed is retried, those posted are not sent again', async () => {
    const t = await setup()
    t.addTasks(160, (i) => `${'Another long task title '.repeat(60)}${i}`)
    await waitFor(async () => ((await t.call('GET', '/tasks?format=json')).body.tasks as unknown[]).length === 160, 'tasks stored')
    await t.call('PUT', '/chat', { slackUrl: `${t.receiver.base}/slack/flaky?token=${SLACK_SECRET}` })
    await t.call('POST', '/chat/post', { channels: ['slack'] })
    await t.server.chat.idle()
    const d = await t.delivery('slack')
    expect(d.state).toBe('posted')
    expect(d.parts).toBeGreaterThan(1)
    const parts = t.receiver.received.map((r) => (r.body as SlackMessage).text)
    const distinct = [...new Set(parts)]
    expect(distinct).toHaveLength(d.parts)
    // The first part went through at once and was never sent again; the failed ones twice.
    expect(parts.filter((p) => p === distinct[0])).toHaveLength(1)
    expect(parts.length).toBeLessThan(2 * d.parts)
  })

  it('gives up on a receiver that does not answer, and never follows a redirect', async () => {
    const t = await setup()
    await t.call('PUT', '/chat', { teamsUrl: `${t.receiver.base}/teams/slow?${TEAMS_SECRET}`, slackUrl: `${t.receiver.base}/slack/redirect?token=${SLACK_SECRET}` })
    await t.call('POST', '/chat/post', {})
    await t.server.chat.idle()
    expect(await t.delivery('teams')).toMatchObject({ state: 'failed', message: 'Could not post to Microsoft Teams: Microsoft Teams did not answer within 0.4 s after 3 attempts. Post again when it is fixed.' })
    expect(await t.delivery('slack')).toMatchObject({
      state: 'failed',
      attempts: 1,
      message: 'Could not post to Slack: Slack answered with a redirect (302); Sandbox does not follow redirects, so check the webhook URL. Post again when it is fixed.',
    })
    expect(t.receiver.received.some((r) => r.path.startsWith('/redirected'))).toBe(false)
    t.noSecrets()
  })

  it('posts "task done" and "time\'s up" once each when the facilitator chose to', async () => {
    const t = await setup()
    await t.call('PUT', '/chat', { slackUrl: `${t.receiver.base}/slack/ok?token=${SLACK_SECRET}`, updates: { taskDone: true, timeUp: true } })
    t.addTasks(1)
    const tasks = t.host.doc.getMap(Root.tasks)
    tasks.set('t0', { ...(tasks.get('t0') as Task), status: 'done' })
    const texts = () => t.receiver.received.map((r) => (r.body as SlackMessage).text)
    await waitFor(() => texts().includes('✅ Task done in “Test session”: Task 0 (Host)'), 'task done posted')
    t.host.doc.getMap(Root.session).set('timer', { state: 'running', endsAt: Date.now() + 300, durationMs: 300 })
    await waitFor(() => texts().some((x) => x.startsWith('⏰ Time\'s up in “Test session”')), 'time up posted')
    // Undone and done again: still one post.
    tasks.set('t0', { ...(tasks.get('t0') as Task), status: 'doing' })
    tasks.set('t0', { ...(tasks.get('t0') as Task), status: 'done' })
    await new Promise((r) => setTimeout(r, 200))
    await t.server.chat.idle()
    expect(texts().filter((x) => x.startsWith('✅'))).toHaveLength(1)
    expect((await t.view()).deliveries.map((d) => [d.kind, d.state])).toEqual(expect.arrayContaining([['taskDone', 'posted'], ['timeUp', 'posted']]))
    t.noSecrets()
  })

  it('stops a post under way when the server shuts down, and says so after the restart', async () => {
    const receiver = await startReceiver()
    cleanup.push(() => receiver.close())
    const dir = tempDataDir()
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
    const overrides = { webhookAllowedHosts: [receiver.host], webhookTimeoutMs: 30_000 }
    const first = await startServer(dir, overrides)
    const session = await createSession(first.url)
    const auth = { authorization: `Bearer ${session.tokens.facilitator}`, 'content-type': 'application/json' }
    const api = (base: string, path: string, method = 'GET', body?: unknown) =>
      fetch(`${base}/api/sessions/${session.id}${path}`, { method, headers: auth, ...(body ? { body: JSON.stringify(body) } : {}) })
    await api(first.url, '/chat', 'PUT', { slackUrl: `${receiver.base}/slack/slow?token=${SLACK_SECRET}` })
    await api(first.url, '/chat/post', 'POST', {})
    await waitFor(() => receiver.received.length === 1, 'the post reached the receiver')
    const started = Date.now()
    await first.close()
    expect(Date.now() - started).toBeLessThan(5_000)
    const second = await startServer(dir, overrides)
    cleanup.push(() => second.close())
    const view = (await (await api(second.url, '/chat')).json()) as ChatSettingsView
    expect(view.deliveries[0]).toMatchObject({ channel: 'slack', state: 'failed', message: 'Could not post to Slack: the server stopped before Slack answered. Post again.' })
    expect(view.channels.slack.source).toBe('session')
  })

  it('posts nothing for a change the server refused', async () => {
    const t = await setup()
    await t.call('PUT', '/chat', { slackUrl: `${t.receiver.base}/slack/ok?token=${SLACK_SECRET}`, updates: { taskDone: true } })
    t.addTasks(1)
    const { client: member } = await joinedClient(t.server.url, t.session.id, t.session.tokens.participant, 'Member A', cleanup.push)
    await waitFor(() => member.doc.getMap(Root.tasks).has('t0'), 'task arrives')
    // Not their task: the server reverts it, and the channel hears nothing.
    const tasks = member.doc.getMap(Root.tasks)
    tasks.set('t0', { ...(tasks.get('t0') as Task), status: 'done' })
    await waitFor(() => (tasks.get('t0') as Task).status === 'todo', 'the change is reverted')
    await new Promise((r) => setTimeout(r, 200))
    await t.server.chat.idle()
    expect(t.receiver.received).toHaveLength(0)
  })

  it('is the facilitator’s alone', async () => {
    const t = await setup()
    for (const token of [t.session.tokens.participant, t.session.tokens.viewer]) {
      expect((await t.call('GET', '/chat', undefined, token)).status).toBe(403)
      expect((await t.call('POST', '/chat/post', {}, token)).status).toBe(403)
    }
  })
})
