// Work deferred to the end of the current event-loop turn, in one setImmediate (which runs right
// after the sockets readable in this turn have been read): rooms send what they coalesced during
// the turn (document updates, presence), then the transport releases the sockets it corked, so
// everything one socket is sent in a turn leaves in one write.
type Task = () => void

const first: Task[] = []
const last: Task[] = []
let scheduled = false

function drain(): void {
  scheduled = false
  let failure: unknown = null
  // A task may add tasks (a room's flush corks sockets): they run in this same drain.
  for (;;) {
    const task = first.shift() ?? last.shift()
    if (!task) break
    try {
      task()
    } catch (error) {
      failure ??= error
    }
  }
  // One task's error does not keep the others from running; it still surfaces.
  if (failure !== null) throw failure
}

/** Runs `task` at the end of this turn: `last` tasks after every other one (releasing sockets). */
export function atEndOfTurn(task: Task, when: 'first' | 'last' = 'first'): void {
  ;(when === 'first' ? first : last).push(task)
  if (!scheduled) {
    scheduled = true
    setImmediate(drain)
  }
}
