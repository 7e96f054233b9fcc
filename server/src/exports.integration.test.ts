// The task exports as trackers and people download them (Jira's CSV, `<title>-tasks.<ext>` names,
// the problem and each task's votes), and the balance of modes, over real HTTP and y-websocket.
import { describe, expect, it } from 'vitest'
import { Root, type SessionBalance, type Task } from '@sandbox/shared'
import { createSession, joinedClient, putSticky, startServer, waitFor } from './testing/harness.ts'
import { teardownAfterEach } from './testing/teardown.ts'

const cleanup = teardownAfterEach()

async function setup() {
  const server = await startServer()
  cleanup.push(() => server.close())
  const session = await createSession(server.url, 'Réunion: Q3 / plan')
  const { client: host, identity } = await joinedClient(server.url, session.id, session.tokens.facilitator, 'Host', cleanup.push)
  const get = (path: string, token: string | null = session.tokens.participant) =>
    fetch(`${server.url}/api/sessions/${session.id}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const s = host.doc.getMap(Root.session)
  s.set('problem', 'Onboarding = slow')
  s.set('hideVotes', false)
  for (const phase of ['frame', 'collaborate', 'converge'] as const) s.set('phase', phase)
  putSticky(host.doc, 'shape:a', 'Write the guide')
  host.doc.getMap(Root.votes).set(`${identity.participantId}|shape:a`, 2)
  const task: Task = {
    id: 't1', title: '=cmd|"/c calc"!A1, "quoted"', description: 'Line one\nLine two', note: '', ownerId: identity.participantId, ownerName: 'Host',
    ownerColor: identity.color, ownerSource: 'claim', status: 'doing', sourceShapeIds: ['shape:a'], createdAt: 1,
  }
  host.doc.getMap(Root.tasks).set('t1', task)
  await waitFor(async () => ((await (await get('/tasks?format=json')).json()) as { tasks: unknown[] }).tasks.length === 1, 'task stored')
  return { server, session, get, identity }
}

/** RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') row.push(field), (field = '')
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field), rows.push(row), (row = []), (field = '')
    } else field += c
  }
  if (field || row.length) row.push(field), rows.push(row)
  return rows
}

describe('task exports', () => {
  it("give Jira's importer Summary, Description, Assignee, Status, Labels, quoted per RFC 4180 and without formulas", async () => {
    const { get } = await setup()
    const res = await get('/tasks?format=jira')
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="R_union-Q3-plan-tasks.jira.csv"; filename*=UTF-8''R%C3%A9union-Q3-plan-tasks.jira.csv`,
    )
    const rows = parseCsv(await res.text())
    expect(rows).toEqual([
      ['Summary', 'Description', 'Assignee', 'Status', 'Labels'],
      [`'=cmd|"/c calc"!A1, "quoted"`, 'Line one\nLine two\n\nVotes: 2\n\nProblem: Onboarding = slow', 'Host', 'In Progress', 'sandbox réunion-q3-plan'],
    ])
  })

  it('name every download <title>-tasks.<ext> and carry the problem and the votes, old columns kept', async () => {
    const { get } = await setup()
    for (const [format, ext] of [['csv', 'csv'], ['md', 'md'], ['json', 'json']]) {
      const res = await get(`/tasks?format=${format}`)
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''R%C3%A9union-Q3-plan-tasks.${ext}`)
    }
    const [header, row] = parseCsv(await (await get('/tasks?format=csv')).text())
    expect(header?.slice(0, 9)).toEqual(['id', 'title', 'ownerId', 'ownerName', 'status', 'note', 'sourceShapeIds', 'createdAt', 'description'])
    expect(header?.slice(9)).toEqual(['votes', 'problem'])
    expect(row?.slice(9)).toEqual(['2', 'Onboarding = slow'])
    const json = (await (await get('/tasks?format=json')).json()) as { session: { problem: string }; tasks: { votes: number }[] }
    expect(json.session.problem).toBe('Onboarding = slow')
    expect(json.tasks[0]?.votes).toBe(2)
    expect(await (await get('/tasks?format=md')).text()).toContain('**Problem:** Onboarding = slow')
  })
})

describe('GET /api/sessions/<id>/balance', () => {
  it('answers the balance of modes to any role, and 401 without a token', async () => {
    const { get, session, identity } = await setup()
    expect((await get('/balance', null)).status).toBe(401)
    const res = await get('/balance', session.tokens.viewer)
    expect(res.status).toBe(200)
    const balance = (await res.json()) as SessionBalance
    expect(balance.togetherMs).toBeGreaterThanOrEqual(0)
    expect(balance.apartMs).toBe(0)
    expect(balance.people).toEqual([
      expect.objectContaining({ participantId: identity.participantId, name: 'Host', ideas: 1, votes: 2, tasksOwned: 1, tasksDone: 0, overloaded: false }),
    ])
    expect(balance.totals).toEqual({ ideas: 1, votes: 2, tasks: 1, done: 0 })
  })
})
