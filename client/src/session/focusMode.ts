// Focus mode (execute phase): hide other people's cursors, cursor chat, selections and brushes
// on this screen only. Presence records are kept as they arrive but moved to a page nobody is on
// while focus is on, so every tldraw overlay that follows "collaborators on this page" skips
// them; turning focus off puts the latest real records back.
import type { Editor, TLInstancePresence } from 'tldraw'

const HIDDEN_PAGE = 'page:sandbox-focus-mode' as TLInstancePresence['currentPageId']

export function enableFocusMode(editor: Editor): () => void {
  const latest = new Map<TLInstancePresence['id'], TLInstancePresence>()
  const hide = (record: TLInstancePresence): TLInstancePresence => {
    if (record.currentPageId === HIDDEN_PAGE) return record
    latest.set(record.id, record)
    return { ...record, currentPageId: HIDDEN_PAGE }
  }
  const stopCreate = editor.sideEffects.registerBeforeCreateHandler('instance_presence', hide)
  const stopChange = editor.sideEffects.registerBeforeChangeHandler('instance_presence', (_prev, next) => hide(next))
  const stopDelete = editor.sideEffects.registerAfterDeleteHandler('instance_presence', (record) => {
    latest.delete(record.id)
  })
  const current = editor.store.query.records('instance_presence').get()
  if (current.length > 0) editor.store.mergeRemoteChanges(() => editor.store.put(current.map(hide)))

  return () => {
    stopCreate()
    stopChange()
    stopDelete()
    const restore = [...latest.values()].filter((r) => editor.store.has(r.id))
    if (restore.length > 0) editor.store.mergeRemoteChanges(() => editor.store.put(restore))
  }
}
