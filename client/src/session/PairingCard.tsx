// Warm-up pairs, CoffeePals-style: the facilitator pairs up the people here (one trio when the
// count is odd), avoiding pairs who met in earlier sessions of the series; each pair gets its own
// question. Everyone sees their partner first. The rules are shared/src/pairing.ts; the pairs are
// the guarded session field `pairing`, which the server takes from the facilitator only.
import { metPairsOf, pairingSchema, pairUp, Root, withQuestions } from '@sandbox/shared'
import type { Person } from '../board/usePeople.ts'
import '../styles/session-series.css'
import { PersonName, presentOwnerIds, useNamed } from './seriesPeople.tsx'
import { useSeries } from './seriesApi.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'
import { useYMapJSON } from './useSessionState.ts'

export function PairingCard({ people }: { people: readonly Person[] }) {
  const { doc, sessionId, token, title, participant } = useSession()
  const { isFacilitator, write, report } = useActions()
  const session = useYMapJSON(doc, Root.session)
  const { series } = useSeries(sessionId, token, title)
  const { nameOf, owners } = useNamed(doc)
  const parsed = pairingSchema.safeParse(session.pairing ?? null)
  const pairing = parsed.success ? parsed.data : null
  const here = presentOwnerIds(owners, people)

  const pair = () => {
    const seed = (Date.now() ^ (typeof session.seed === 'number' ? session.seed : 0)) >>> 0
    // Earlier sessions' pairs, and this session's own, so pairing again mixes people anew.
    const met = [...(series?.metPairs ?? []), ...metPairsOf([pairing])]
    const groups = withQuestions(pairUp(here, met, seed), seed)
    if (write({ session: { pairing: { at: Date.now(), groups } } })) {
      report(`${groups.length} ${groups.length === 1 ? 'group' : 'groups'} paired up.`)
    }
  }

  const mine = pairing?.groups.find((g) => g.ids.includes(participant.id))
  const others = pairing?.groups.filter((g) => g !== mine) ?? []
  return (
    <section className="panel-card" aria-labelledby="pairs-title">
      <h3 id="pairs-title" className="panel-card__title">
        Coffee pairs {pairing ? (
          <span className="count-pill">
            {pairing.groups.length}
            <span className="visually-hidden">{pairing.groups.length === 1 ? ' group' : ' groups'}</span>
          </span>
        ) : null}
      </h3>
      {mine ? (
        <div className="pair-mine" role="group" aria-label="Your pair">
          <span className="panel-card__eyebrow">{mine.ids.length === 2 ? 'Your partner' : 'Your trio'}</span>
          <Names ids={mine.ids.filter((id) => id !== participant.id)} nameOf={nameOf} />
          <span className="pair-mine__question">{mine.question}</span>
        </div>
      ) : null}
      {pairing && others.length > 0 ? (
        <ul className="series-list" aria-label={mine ? 'Other pairs' : 'Pairs'}>
          {others.map((g) => (
            <li key={g.ids.join('|')} className="series-task__text">
              <Names ids={g.ids} nameOf={nameOf} />
              <span className="pair-question">{g.question}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {!pairing || pairing.groups.length === 0 ? (
        <p className="panel-card__hint">
          {isFacilitator
            ? 'Pair the people here two by two (three when the count is odd) for a few minutes of small talk, each pair with its own question. People who met in earlier sessions of this series get someone new.'
            : 'The facilitator may pair people up for a few minutes of small talk.'}
        </p>
      ) : null}
      {isFacilitator ? (
        <div className="button-row">
          <button type="button" className="button button--secondary button--small" disabled={here.length < 2} onClick={pair}>
            Pair people up
          </button>
          {pairing ? (
            <button type="button" className="button button--ghost button--small" onClick={() => write({ session: { pairing: null } })}>
              Clear pairs
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}

function Names({ ids, nameOf }: { ids: readonly string[]; nameOf: ReturnType<typeof useNamed>['nameOf'] }) {
  return (
    <span className="pair-names">
      {ids.map((id, i) => (
        <span key={id} className="pair-person">
          {i > 0 ? (
            <span className="muted">&amp;</span>
          ) : null}
          <PersonName person={nameOf(id)} />
        </span>
      ))}
    </span>
  )
}
