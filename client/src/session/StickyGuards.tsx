// What keeps stickies safe on the board, for this person's own edits:
// - frames adopt the stickies drawn over and never hide them (frameGrouping.ts);
// - a sticky (or a group's frame) that became a task: a participant's tldraw does not delete it
//   and says why (the server refuses it anyway: shared/src/convertedShapes.ts); the facilitator
//   may delete it and gets "Sticky deleted — Undo", which puts it back as it was.
import { useEffect, useRef, useState } from 'react'
import type { Editor, TLShape } from 'tldraw'
import { checkShapeDeletion, convertedShapeIds, type Role, type Task } from '@sandbox/shared'
import { enableFrameGrouping } from './frameGrouping.ts'
import { useActions } from './useActions.ts'
import '../styles/session-groups.css'

const UNDO_NOTICE_MS = 10_000

export interface StickyGuardsProps {
  editor: Editor | null
  role: Role
  tasks: readonly Task[]
}

interface Deleted {
  records: TLShape[]
  label: string
}

function deletedLabel(records: readonly TLShape[], converted: ReadonlySet<string>): string {
  const kept = records.filter((r) => converted.has(r.id))
  const notes = kept.filter((r) => r.type === 'note').length
  const frames = kept.filter((r) => r.type === 'frame').length
  if (frames > 0 && notes === 0) return frames === 1 ? 'Group deleted' : `${frames} groups deleted`
  if (frames > 0) return 'Group and its stickies deleted'
  return notes === 1 ? 'Sticky deleted' : `${notes} stickies deleted`
}

export function StickyGuards({ editor, role, tasks }: StickyGuardsProps) {
  const { canWrite, report } = useActions()
  const converted = useRef<Set<string>>(new Set())
  converted.current = convertedShapeIds(tasks)
  const reportRef = useRef(report)
  reportRef.current = report
  const [deleted, setDeleted] = useState<Deleted | null>(null)

  useEffect(() => {
    if (!editor || !canWrite) return
    return enableFrameGrouping(editor)
  }, [editor, canWrite])

  useEffect(() => {
    if (!editor || !canWrite) return
    const hasConvertedInside = (shape: TLShape): boolean => {
      for (const id of editor.getShapeAndDescendantIds([shape.id])) if (converted.current.has(id)) return true
      return false
    }
    if (role !== 'facilitator') {
      let told = false
      return editor.sideEffects.registerBeforeDeleteHandler('shape', (shape, source) => {
        if (source !== 'user') return
        // A frame goes with everything in it: it stays while a sticky in it is a task.
        const verdict = checkShapeDeletion(role, shape.id, shape.type, converted.current)
        if (verdict.ok && !(shape.type === 'frame' && hasConvertedInside(shape))) return
        if (!told) {
          told = true
          queueMicrotask(() => {
            told = false
            reportRef.current(verdict.ok ? 'A sticky in this group became a task, so only the facilitator can delete the group.' : verdict.reason, 'error')
          })
        }
        return false
      })
    }
    // The facilitator: everything deleted in one go comes back together with Undo.
    let batch: TLShape[] | null = null
    return editor.sideEffects.registerAfterDeleteHandler('shape', (shape, source) => {
      if (source !== 'user') return
      if (!batch) {
        batch = []
        queueMicrotask(() => {
          const records = batch ?? []
          batch = null
          if (records.some((r) => converted.current.has(r.id))) setDeleted({ records, label: deletedLabel(records, converted.current) })
        })
      }
      batch.push(shape)
    })
  }, [editor, canWrite, role])

  useEffect(() => {
    if (!deleted) return
    const timer = window.setTimeout(() => setDeleted(null), UNDO_NOTICE_MS)
    return () => window.clearTimeout(timer)
  }, [deleted])

  if (!deleted || !editor) return null
  const undo = () => {
    // Put back as they were (parents before children), whatever was done since: not editor.undo(),
    // which would undo the facilitator's latest change instead if there was one after.
    const byId = new Map(deleted.records.map((r) => [r.id as string, r]))
    const depth = (r: TLShape): number => {
      let d = 0
      for (let p = byId.get(r.parentId); p && d < byId.size; p = byId.get(p.parentId)) d++
      return d
    }
    const records = [...deleted.records].sort((a, b) => depth(a) - depth(b)).filter((r) => !editor.getShape(r.id))
    editor.run(() => editor.store.put(records))
    setDeleted(null)
  }
  return (
    <div className="sticky-undo" role="status">
      <span>{deleted.label}</span>
      <span aria-hidden="true"> — </span>
      <button type="button" className="button button--secondary button--small" onClick={undo}>
        Undo
      </button>
    </div>
  )
}
