// Avatars of everyone on the board: initial on their colour, name beside it when there is room.
import type { Person } from '../board/usePeople.ts'

const MAX_SHOWN = 6

/** Initials from the words of a name that start with a letter or digit ("Viewer (guest)" → "V"). */
const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter((part) => /^[\p{L}\p{N}]/u.test(part))
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('') || '?'

export function PresenceList({ people }: { people: Person[] }) {
  const shown = people.slice(0, MAX_SHOWN)
  const hidden = people.slice(MAX_SHOWN)
  return (
    <div className="presence" role="group" aria-label="People on the board">
      <ul className="presence__list">
        {shown.map((person) => (
          <li key={person.id} className="presence__person" title={person.isSelf ? `${person.name} (you)` : person.name}>
            <span className="avatar" style={{ backgroundColor: person.color }} aria-hidden="true">
              {initials(person.name)}
            </span>
            <span className="presence__name">
              {person.name}
              {person.isSelf ? <span className="presence__you"> (you)</span> : null}
            </span>
          </li>
        ))}
        {hidden.length > 0 ? (
          <li className="presence__person presence__more" title={hidden.map((p) => p.name).join(', ')}>
            <span className="avatar avatar--more">+{hidden.length}</span>
            <span className="visually-hidden">{hidden.map((p) => p.name).join(', ')}</span>
          </li>
        ) : null}
      </ul>
    </div>
  )
}
