// Beside the replayed board: the phase at that moment, who had joined by then (and who was
// editing in the minute before), and the task list as it stood.
import { PHASE_INFO, participantSchema, phaseSchema, Root, sortTasks, taskSchema, type Participant, type Phase, type Task } from '@sandbox/shared'
import { entryKey, type Entries } from './ReplayModel.ts'

export interface MomentSummary {
  phase: Phase | null
  people: (Participant & { active: boolean })[]
  tasks: Task[]
  stickies: number
}

export function summarize(view: Entries, activeIds: ReadonlySet<string>): MomentSummary {
  const phase = phaseSchema.safeParse(view.get(entryKey(Root.session, 'phase')))
  const people: MomentSummary['people'] = []
  const tasks: Task[] = []
  let stickies = 0
  const prefix = (root: string) => entryKey(root, '')
  for (const [key, value] of view) {
    if (key.startsWith(prefix(Root.participants))) {
      const p = participantSchema.safeParse(value)
      if (p.success) people.push({ ...p.data, active: activeIds.has(p.data.id) })
    } else if (key.startsWith(prefix(Root.tasks))) {
      const t = taskSchema.safeParse(value)
      if (t.success) tasks.push(t.data)
    } else if (key.startsWith(prefix(Root.records)) && (value as { type?: unknown } | null)?.type === 'note') {
      stickies += 1
    }
  }
  people.sort((a, b) => a.joinedAt - b.joinedAt)
  return { phase: phase.success ? phase.data : null, people, tasks: sortTasks(tasks), stickies }
}

const STATUS_LABEL: Record<Task['status'], string> = { todo: 'To do', doing: 'Doing', done: 'Done' }

export function ReplaySidebar({ summary }: { summary: MomentSummary }) {
  return (
    <aside className="replay-sidebar" aria-label="At this moment">
      <section className="replay-sidebar__section">
        <h2 className="replay-sidebar__title">Phase</h2>
        <p className="replay-sidebar__phase" data-testid="replay-phase">
          {summary.phase ? PHASE_INFO[summary.phase].label : 'Not started'}
        </p>
        <p className="muted replay-sidebar__count">{summary.stickies === 1 ? '1 sticky' : `${summary.stickies} stickies`}</p>
      </section>
      <section className="replay-sidebar__section">
        <h2 className="replay-sidebar__title">Present ({summary.people.length})</h2>
        {summary.people.length === 0 ? (
          <p className="muted">Nobody had joined yet.</p>
        ) : (
          <ul className="replay-people" aria-label="Present">
            {summary.people.map((p) => (
              <li key={p.id} className="replay-people__person">
                <span className="avatar avatar--small" style={{ backgroundColor: p.color }} aria-hidden="true">
                  {p.name.slice(0, 1).toUpperCase()}
                </span>
                <span>{p.name}</span>
                {p.active ? <span className="replay-people__active">editing</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="replay-sidebar__section">
        <h2 className="replay-sidebar__title">Tasks ({summary.tasks.length})</h2>
        {summary.tasks.length === 0 ? (
          <p className="muted">No tasks yet.</p>
        ) : (
          <ul className="replay-tasks" aria-label="Tasks">
            {summary.tasks.map((t) => (
              <li key={t.id} className="replay-tasks__task">
                <span className="replay-tasks__title">{t.title}</span>
                <span className="replay-tasks__meta">
                  {t.ownerName ?? 'No owner'} · {STATUS_LABEL[t.status]}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  )
}
