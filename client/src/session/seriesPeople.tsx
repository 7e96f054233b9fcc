// Names and colours of participant ids, from the session's participant records, for the pairing
// and review-buddy cards.
import { useMemo } from 'react'
import type * as Y from 'yjs'
import type { Participant } from '@sandbox/shared'
import type { Person } from '../board/usePeople.ts'
import { possibleOwners } from './ownership.ts'
import { useParticipants } from './useSessionState.ts'

export interface Named {
  id: string
  name: string
  color: string
}

export function useNamed(doc: Y.Doc): { byId: ReadonlyMap<string, Participant>; nameOf(id: string): Named; owners: Participant[] } {
  const participants = useParticipants(doc)
  return useMemo(() => {
    const byId = new Map(participants.map((p) => [p.id, p]))
    const nameOf = (id: string): Named => byId.get(id) ?? { id, name: 'Someone', color: '#868e96' }
    return { byId, nameOf, owners: possibleOwners(participants) }
  }, [participants])
}

/** Ids of the people who joined (not viewers) and are on the board now; with `orEveryone`, all of them when nobody is. */
export function presentOwnerIds(owners: readonly Participant[], people: readonly Person[], orEveryone = false): string[] {
  const here = new Set(people.map((p) => p.id))
  const present = owners.filter((p) => here.has(p.id))
  return (present.length > 0 || !orEveryone ? present : owners).map((p) => p.id)
}

export function PersonName({ person, you }: { person: Named; you?: boolean }) {
  return (
    <span className="pair-person">
      <span className="dot" style={{ backgroundColor: person.color }} aria-hidden="true" />
      {person.name}
      {you ? <span className="muted"> (you)</span> : null}
    </span>
  )
}
