// Groups in the converge panel: drawing and naming them, and the ranking, where a group shows
// with its name and its stickies and ranks by its dots (shared/src/groups.ts).
import { useEffect, useState } from 'react'
import type { Editor, TLShapeId } from 'tldraw'
import { rankChoices } from '@sandbox/shared'
import type { Sticky } from './stickies.ts'
import type { BoardGroups, GroupView } from './useGroups.ts'

export const stickyLabel = (s: Sticky | undefined): string => (s?.text ? s.text : 'Empty sticky')

/** A group as one item: its name, then its stickies. */
export function GroupChoice({ group }: { group: GroupView }) {
  return (
    <span className="group-choice">
      <span className="group-choice__name">
        <span className="visually-hidden">Group: </span>
        {group.name}
      </span>
      <ul className="group-choice__stickies" aria-label={`Stickies in “${group.name}”`}>
        {group.stickies.map((s) => (
          <li key={s.id}>{stickyLabel(s)}</li>
        ))}
      </ul>
    </span>
  )
}

/** The ranking and the split's list share the groups' shape: `rankChoices` over what the board shows. */
export function rankBoard(board: BoardGroups, tally: ReadonlyMap<string, number>) {
  return rankChoices({ groups: board.groups.map((g) => ({ id: g.id, name: g.name, stickyIds: g.stickies.map((s) => s.id) })), ungrouped: board.ungrouped.map((s) => s.id) }, tally)
}

export function Ranking({ board, tally }: { board: BoardGroups; tally: ReadonlyMap<string, number> }) {
  const ranked = rankBoard(board, tally).filter((c) => c.votes > 0)
  if (ranked.length === 0) return <p className="muted">No votes yet.</p>
  const groups = new Map(board.groups.map((g) => [g.id, g]))
  const stickies = new Map(board.ungrouped.map((s) => [s.id, s]))
  return (
    <ol className="ranking" aria-label="Stickies by votes">
      {ranked.map((c) => {
        const group = groups.get(c.id)
        return (
          <li key={c.id} className={`ranking__item ${group ? 'ranking__item--group' : ''}`}>
            {group ? <GroupChoice group={group} /> : <span className="ranking__text">{stickyLabel(stickies.get(c.id))}</span>}
            <span className="ranking__count">
              {c.votes}
              <span className="visually-hidden">{c.votes === 1 ? ' vote' : ' votes'}</span>
            </span>
          </li>
        )
      })}
    </ol>
  )
}

/** Draw a frame around related stickies; each frame with stickies is a group, named here or on its label. */
export function GroupsCard({ editor, groups, canWrite }: { editor: Editor | null; groups: readonly GroupView[]; canWrite: boolean }) {
  return (
    <section className="panel-card" aria-labelledby="group-title">
      <h3 id="group-title" className="panel-card__title">
        Group
      </h3>
      <p className="panel-card__hint">Draw a frame around related stickies and name it: the group gets the votes, and becomes one task.</p>
      {canWrite && editor ? (
        <button type="button" className="button button--secondary button--small" onClick={() => editor.setCurrentTool('frame')}>
          Draw a frame
        </button>
      ) : null}
      {groups.length > 0 ? (
        <ul className="ranking" aria-label="Groups">
          {groups.map((g) => (
            <li key={g.id} className="ranking__item">
              {canWrite && editor ? <GroupNameField editor={editor} group={g} /> : <span className="ranking__text">{g.name}</span>}
              <span className="muted">{g.stickies.length === 1 ? '1 sticky' : `${g.stickies.length} stickies`}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}

function GroupNameField({ editor, group }: { editor: Editor; group: GroupView }) {
  const frame = editor.getShape(group.id as TLShapeId)
  const stored = frame?.type === 'frame' ? String((frame.props as { name?: unknown }).name ?? '') : ''
  const [name, setName] = useState(stored)
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setName(stored)
  }, [stored, editing])
  const save = () => {
    setEditing(false)
    const current = editor.getShape(group.id as TLShapeId)
    if (current?.type === 'frame' && name !== stored) editor.updateShape({ id: current.id, type: 'frame', props: { name } })
  }
  return (
    <input
      className="input group-name-field"
      aria-label={`Name of the group with “${stickyLabel(group.stickies[0])}”`}
      placeholder="Name this group"
      maxLength={200}
      value={name}
      onFocus={() => setEditing(true)}
      onChange={(e) => setName(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur()
      }}
    />
  )
}
