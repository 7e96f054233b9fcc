// A task the person owns, written to the shared document through the session's rules. Used in the
// execute panel and on the live "My tasks" page.
import type { Task } from '@sandbox/shared'
import { MyTaskCard, type TaskChange } from './MyTaskCard.tsx'
import { serverNow } from './serverClock.ts'
import { useActions } from './useActions.ts'

export { STATUS_LABEL } from './MyTaskCard.tsx'

export function MyTaskItem({ task }: { task: Task }) {
  const { write } = useActions()
  const put = (changes: TaskChange) => write({ tasks: { [task.id]: { ...task, ...changes, updatedAt: Math.round(serverNow()) } } })
  return <MyTaskCard task={task} onChange={put} />
}
