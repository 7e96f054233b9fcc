// The Yjs client ids whose local edits the server has not confirmed yet, kept in localStorage
// per session so edits made offline before a reload still count as unsaved after it.
const MAX_PENDING_CLIENTS = 64

export interface PendingClients {
  add(clientId: number): void
  ids(): number[]
  removeWhere(isDone: (clientId: number) => boolean): void
}

export function createPendingClients(sessionId: string): PendingClients {
  const key = `sandbox.pending.${sessionId}`
  const ids = new Set<number>(read(key))
  const save = () => {
    try {
      if (ids.size === 0) window.localStorage.removeItem(key)
      else window.localStorage.setItem(key, JSON.stringify([...ids].slice(-MAX_PENDING_CLIENTS)))
    } catch {
      // Storage unavailable: the indicator still works for this page.
    }
  }
  return {
    add(clientId) {
      if (ids.has(clientId)) return
      ids.add(clientId)
      save()
    },
    ids: () => [...ids],
    removeWhere(isDone) {
      let changed = false
      for (const id of ids) {
        if (isDone(id)) {
          ids.delete(id)
          changed = true
        }
      }
      if (changed) save()
    },
  }
}

function read(key: string): number[] {
  try {
    const value: unknown = JSON.parse(window.localStorage.getItem(key) ?? '[]')
    return Array.isArray(value) ? value.filter((v): v is number => Number.isSafeInteger(v)) : []
  } catch {
    return []
  }
}
