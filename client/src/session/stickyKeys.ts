// The keyboard on the selected sticky, so keyboard users act where the idea is, like everyone
// else: in converge U puts a dot on the selected sticky or group and Shift+U takes one back; in
// split C claims the task made from it and Shift+C gives it back. tldraw binds none of these keys.
import { useEffect, useRef } from 'react'
import type { Editor } from 'tldraw'
import type { Task } from '@sandbox/shared'
import { withOwner } from './ownership.ts'
import { serverNow } from './serverClock.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'
import { useParticipants } from './useSessionState.ts'
import type { Voting } from './useVoting.ts'

export const VOTE_KEY = 'u'
export const CLAIM_KEY = 'c'

/** Keys that take typing: a letter pressed there is a letter, not a command. */
const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

export interface StickyKeyTargets {
  /** Voting is open for this person (converge). */
  voting: Voting | null
  /** Tasks by the stickies they were made from (split). */
  tasksBySticky: ReadonlyMap<string, Task> | null
}

export function useStickyKeys(editor: Editor | null, targets: StickyKeyTargets): void {
  const { doc, participant } = useSession()
  const { canWrite, isFacilitator, write, report } = useActions()
  const participants = useParticipants(doc)
  const claim = (task: Task, giveBack: boolean): void => {
    if (!canWrite) return
    const me = participants.find((p) => p.id === participant.id) ?? participant
    if (giveBack) {
      if (task.ownerId === participant.id && !isFacilitator) write({ tasks: { [task.id]: withOwner(task, null, 'claim', serverNow()) } })
      return
    }
    if (task.ownerId === null) write({ tasks: { [task.id]: withOwner(task, me, 'claim', serverNow()) } })
    else if (task.ownerId !== participant.id) report(`“${task.title}” already has an owner.`, 'error')
  }
  // The latest state, read when a key is pressed; the listener stays for the editor's life.
  const latest = useRef({ targets, claim })
  latest.current = { targets, claim }
  useEffect(() => {
    if (!editor) return
    const onKey = (e: KeyboardEvent) => {
      const key = e.key.toLowerCase()
      if ((key !== VOTE_KEY && key !== CLAIM_KEY) || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return
      if (editor.getEditingShapeId() !== null) return
      const selected = editor.getSelectedShapes()
      const only = selected.length === 1 ? selected[0] : undefined
      if (!only || (only.type !== 'note' && only.type !== 'frame')) return
      const { targets, claim } = latest.current
      if (key === VOTE_KEY && targets.voting) {
        e.preventDefault()
        e.stopPropagation()
        if (e.shiftKey) targets.voting.takeBack(only.id)
        else targets.voting.cast(only.id)
      }
      const task = key === CLAIM_KEY ? targets.tasksBySticky?.get(only.id) : undefined
      if (task) {
        e.preventDefault()
        e.stopPropagation()
        claim(task, e.shiftKey)
      }
    }
    // Capture: tldraw handles keys on its container and would see the letter first.
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [editor])
}
