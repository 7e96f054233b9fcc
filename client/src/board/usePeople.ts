// Who is on the board right now, from awareness: one entry per person (a person with two tabs
// open counts once), the local person first.
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { AwarenessState } from './presenceSync.ts'

export interface Person {
  id: string
  name: string
  color: string
  isSelf: boolean
}

function readPeople(awareness: Awareness): Person[] {
  const byId = new Map<string, Person>()
  for (const [clientId, raw] of awareness.getStates()) {
    const user = (raw as AwarenessState).user
    if (!user || typeof user.id !== 'string') continue
    const isSelf = clientId === awareness.clientID
    const existing = byId.get(user.id)
    if (existing && !isSelf) continue
    byId.set(user.id, {
      id: user.id,
      name: typeof user.name === 'string' && user.name ? user.name : 'Someone',
      color: typeof user.color === 'string' ? user.color : '#868e96',
      isSelf: isSelf || (existing?.isSelf ?? false),
    })
  }
  return [...byId.values()].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
}

const samePeople = (a: Person[], b: Person[]): boolean =>
  a.length === b.length && a.every((p, i) => p.id === b[i]?.id && p.name === b[i]?.name && p.color === b[i]?.color && p.isSelf === b[i]?.isSelf)

export function usePeople(awareness: Awareness | null): Person[] {
  const [people, setPeople] = useState<Person[]>([])
  useEffect(() => {
    if (!awareness) return
    const refresh = () => setPeople((previous) => {
      const next = readPeople(awareness)
      return samePeople(previous, next) ? previous : next
    })
    refresh()
    // 'change' fires only when a state's content changes, not on every cursor heartbeat.
    awareness.on('change', refresh)
    return () => awareness.off('change', refresh)
  }, [awareness])
  return people
}
