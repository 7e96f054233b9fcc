// The updates a session may post as they happen: "time's up" when the shared timer runs out, and
// "task done" when a task first reaches done. Watches a loaded room's document (the tasks map and
// the session's timer only, not every board change); the poster checks the session's choice and
// records each update once, so processes sharing a database do not post it twice.
import type * as Y from 'yjs'
import { phaseSchema, Root, taskSchema, timerSchema } from '@sandbox/shared'
import type { Logger } from '../log.ts'
import type { ChatPoster } from './ChatPoster.ts'

/** Timers longer than this are not watched (setTimeout's own limit is about 24.8 days). */
const MAX_WATCHED_TIMER_MS = 86_400_000

export function watchRoom(sessionId: string, doc: Y.Doc, poster: ChatPoster, log: Logger): void {
  const session = doc.getMap(Root.session)
  const tasks = doc.getMap(Root.tasks)
  const title = () => (typeof session.get('title') === 'string' ? (session.get('title') as string) : '')
  const post = (key: string, update: Parameters<ChatPoster['postUpdate']>[2]) =>
    void poster.postUpdate(sessionId, key, update).catch((error: unknown) => log.error({ event: 'chat.update_failed', session: sessionId, err: error }, 'chat update failed'))

  // Judged after the change: a refused one is reverted in the same call (Room.ts), so what is
  // still done on the next turn of the event loop was accepted.
  const onTasks = (e: Y.YMapEvent<unknown>) => {
    const newlyDone: string[] = []
    e.changes.keys.forEach((change, key) => {
      if (change.action === 'delete') return
      const before = taskSchema.safeParse(change.oldValue)
      if (!(before.success && before.data.status === 'done')) newlyDone.push(key)
    })
    if (newlyDone.length === 0) return
    setImmediate(() => {
      for (const key of newlyDone) {
        const now = taskSchema.safeParse(tasks.get(key))
        if (now.success && now.data.status === 'done') post(`taskDone:${now.data.id}`, { kind: 'taskDone', title: title(), task: now.data.title, owner: now.data.ownerName })
      }
    })
  }

  let timeout: NodeJS.Timeout | null = null
  const watchTimer = () => {
    if (timeout) clearTimeout(timeout)
    timeout = null
    const timer = timerSchema.safeParse(session.get('timer'))
    if (!timer.success || timer.data.state !== 'running') return
    const endsAt = timer.data.endsAt
    const wait = endsAt - Date.now()
    if (wait < 0 || wait > MAX_WATCHED_TIMER_MS) return
    timeout = setTimeout(() => {
      const still = timerSchema.safeParse(session.get('timer'))
      const phase = phaseSchema.safeParse(session.get('phase'))
      if (still.success && still.data.state === 'running' && still.data.endsAt === endsAt && phase.success) {
        post(`timeUp:${endsAt}`, { kind: 'timeUp', title: title(), phase: phase.data })
      }
    }, wait)
    timeout.unref()
  }
  const onSession = (e: Y.YMapEvent<unknown>) => {
    if (e.keysChanged.has('timer')) watchTimer()
  }

  tasks.observe(onTasks)
  session.observe(onSession)
  watchTimer()
  doc.once('destroy', () => {
    if (timeout) clearTimeout(timeout)
    tasks.unobserve(onTasks)
    session.unobserve(onSession)
  })
}
