// Avatars of everyone on the board: initial on their colour, name beside it when there is room.
// Clicking someone follows their view until you move (or click them again).
import { requestFollow, useFollowing } from '../board/following.ts'
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
  const following = useFollowing()
  const shown = people.slice(0, MAX_SHOWN)
  const hidden = people.slice(MAX_SHOWN)
  return (
    <div className="presence" role="group" aria-label="People on the board">
      <ul className="presence__list">
        {shown.map((person) => (
          <li key={person.id} className="presence__person" title={person.isSelf ? `${person.name} (you)` : `Follow ${person.name}’s view`}>
            {person.isSelf ? (
              <PersonLabel person={person} />
            ) : (
              <button
                type="button"
                className="presence__follow"
                aria-pressed={following?.id === person.id}
                onClick={() => requestFollow(following?.id === person.id ? null : { id: person.id, name: person.name })}
              >
                {/* Named by its content ("Follow Host"), so the name contains what is seen (axe: label-content-name-mismatch). */}
                <span className="visually-hidden">Follow </span>
                <PersonLabel person={person} />
              </button>
            )}
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

function PersonLabel({ person }: { person: Person }) {
  return (
    <>
      <span className="avatar" style={{ backgroundColor: person.color }} aria-hidden="true">
        {initials(person.name)}
      </span>
      <span className="presence__name">
        {person.name}
        {person.isSelf ? <span className="presence__you"> (you)</span> : null}
      </span>
    </>
  )
}
