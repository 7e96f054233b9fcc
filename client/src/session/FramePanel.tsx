// Frame: the problem statement and the article's three questions. Everyone answers them for
// themselves; the facilitator sees how the group answered and decides (prefilled with the
// majority), and the recommendation — collaborate, or skip the brainstorm and split the work
// straight away — says how strongly the group agrees.
import { useEffect, useId, useState } from 'react'
import { FRAME_QUESTIONS, personalAnswersSchema, type FrameAnswers, type FrameQuestion } from '@sandbox/shared'
import { serverNow } from './serverClock.ts'
import { useSession } from './SessionContext.ts'
import { useActions } from './useActions.ts'
import { useGroupFrame, type GroupFrame } from './useAttention.ts'

/** Short names for the facilitator's decision, so each group's name differs from the question's. */
const DECISION_LEGEND: Record<FrameQuestion['id'], string> = {
  clarity: 'Decide: clear or ambiguous',
  priority: 'Decide: speed or buy-in',
  dependence: 'Decide: independent or interdependent',
}

export function FramePanel({ problem, answers }: { problem: string; answers: FrameAnswers }) {
  const { doc, participant } = useSession()
  const { isFacilitator, canWrite, write } = useActions()
  const group = useGroupFrame(doc, answers)
  const problemId = useId()
  const [draft, setDraft] = useState(problem)
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setDraft(problem)
  }, [problem, editing])

  const parsedMine = personalAnswersSchema.safeParse(group.raw[participant.id])
  const mine: FrameAnswers = parsedMine.success ? parsedMine.data : {}
  const answerMine = (id: keyof FrameAnswers, value: string) => write({ answers: { [participant.id]: { ...mine, [id]: value } } })
  const decide = (id: keyof FrameAnswers, value: string) => write({ session: { frameAnswers: { ...group.decision, [id]: value } } })
  const skipToSplit = () => write({ session: { phase: 'split', phaseChangedAt: Math.round(serverNow()) } })

  const saveProblem = () => {
    setEditing(false)
    const next = draft.trim()
    if (next !== problem) write({ session: { problem: next.slice(0, 4000) } })
  }

  const answeredAll = FRAME_QUESTIONS.every((q) => mine[q.id] !== undefined)
  const { recommendation } = group

  return (
    <>
      <section className="panel-card" aria-labelledby={`${problemId}-title`}>
        <h3 id={`${problemId}-title`} className="panel-card__title">
          The problem
        </h3>
        {isFacilitator ? (
          <>
            <label htmlFor={problemId} className="visually-hidden">
              Problem statement
            </label>
            <textarea
              id={problemId}
              className="input textarea"
              rows={4}
              maxLength={4000}
              placeholder="What are we here to solve? One or two sentences."
              value={draft}
              onFocus={() => setEditing(true)}
              onChange={(e) => setDraft(e.target.value)}
              onBlur={saveProblem}
            />
            <p className="panel-card__hint">Saved for everyone when you click away.</p>
          </>
        ) : problem ? (
          <p className="problem-text">{problem}</p>
        ) : (
          <p className="muted">The facilitator is writing the problem statement…</p>
        )}
      </section>
      <section className="panel-card" aria-labelledby="frame-questions-title">
        <h3 id="frame-questions-title" className="panel-card__title">
          Does this need the whole group?
        </h3>
        <p className="panel-card__hint">
          {canWrite
            ? 'Collaboration is expensive. Answer for yourself: the three questions decide whether to explore together or divide the work now.'
            : 'Collaboration is expensive. Each participant answers three questions; the facilitator decides whether to explore together or divide the work now.'}
        </p>
        {FRAME_QUESTIONS.map((q) => (
          <fieldset key={q.id} className="frame-question" disabled={!canWrite}>
            <legend className="frame-question__legend">{q.question}</legend>
            <Segmented name={`frame-mine-${q.id}`} question={q} value={mine[q.id]} onChange={(v) => answerMine(q.id, v)} />
            <p className="frame-question__hint">{q.hint}</p>
          </fieldset>
        ))}
        {canWrite ? (
          <p className="panel-card__hint" role="status">
            {answeredAll ? 'Thanks: the facilitator sees your answers with everyone else’s.' : 'Your answers are shared with the facilitator.'}
          </p>
        ) : null}
      </section>
      {isFacilitator ? <GroupAnswers group={group} /> : <p className="muted frame-respondents">{respondentsLine(group)}</p>}
      {isFacilitator ? (
        <section className="panel-card" aria-labelledby="frame-decision-title">
          <h3 id="frame-decision-title" className="panel-card__title">
            Your decision
          </h3>
          <p className="panel-card__hint">Starts from the group’s majority; change any answer to decide otherwise. Everyone sees the recommendation.</p>
          {FRAME_QUESTIONS.map((q) => (
            <fieldset key={q.id} className="frame-question">
              <legend className="frame-question__legend">{DECISION_LEGEND[q.id]}</legend>
              <Segmented name={`frame-decision-${q.id}`} question={q} value={group.decision[q.id]} onChange={(v) => decide(q.id, v)} />
            </fieldset>
          ))}
        </section>
      ) : null}
      <section className={`panel-card recommendation recommendation--${recommendation.kind}`} aria-live="polite" aria-labelledby="recommendation-title">
        <h3 id="recommendation-title" className="panel-card__eyebrow">
          Recommendation
        </h3>
        {recommendation.kind === 'incomplete' ? (
          <p className="muted">
            {group.tally.respondents.length === 0
              ? 'Waiting for the group’s answers to the three questions.'
              : `${recommendation.missing.length} question${recommendation.missing.length === 1 ? '' : 's'} still open: the group is split evenly or nobody answered yet.`}
          </p>
        ) : (
          <>
            <p className="recommendation__headline">{recommendation.headline}</p>
            <p>{recommendation.detail}</p>
            {recommendation.agreement ? (
              <p className={`recommendation__agreement recommendation__agreement--${recommendation.agreement.strength}`}>{recommendation.agreement.summary}</p>
            ) : null}
            {recommendation.kind === 'split' && isFacilitator ? (
              <>
                <p className="panel-card__hint">Put the known pieces of work on stickies, then split them up without a brainstorm.</p>
                <button type="button" className="button button--primary button--small" onClick={skipToSplit}>
                  Skip straight to split
                </button>
              </>
            ) : null}
          </>
        )}
      </section>
    </>
  )
}

function Segmented({ name, question, value, onChange }: { name: string; question: FrameQuestion; value: string | undefined; onChange(value: string): void }) {
  return (
    <div className="segmented">
      {question.options.map((o) => {
        const checked = value === o.value
        return (
          <label key={o.value} className={`segmented__option ${checked ? 'segmented__option--checked' : ''}`}>
            <input type="radio" name={name} value={o.value} checked={checked} onChange={() => onChange(o.value)} />
            {o.label}
          </label>
        )
      })}
    </div>
  )
}

function respondentsLine(group: GroupFrame): string {
  const answered = group.tally.respondents.length
  const total = Math.max(group.people.length, answered)
  return `${answered} of ${total} ${total === 1 ? 'person has' : 'people have'} answered.`
}

/** The facilitator's view of the group: counts per option per question, and who has answered. */
function GroupAnswers({ group }: { group: GroupFrame }) {
  const answered = new Set(group.tally.respondents)
  const waiting = group.people.filter((p) => !answered.has(p.id))
  const done = group.people.filter((p) => answered.has(p.id))
  return (
    <section className="panel-card" aria-labelledby="frame-group-title">
      <h3 id="frame-group-title" className="panel-card__title">
        How the group answered
      </h3>
      <p className="panel-card__hint" role="status" aria-label="Answers so far">
        {done.length > 0 ? `${respondentsLine(group).slice(0, -1)}: ${done.map((p) => p.name).join(', ')}.` : respondentsLine(group)}
        {waiting.length > 0 ? ` Waiting for ${waiting.map((p) => p.name).join(', ')}.` : ''}
      </p>
      <ul className="group-answers" aria-label="The group’s answers">
        {group.tally.questions.map((t) => {
          const q = FRAME_QUESTIONS.find((x) => x.id === t.id) as FrameQuestion
          return (
            <li key={t.id} className="group-answers__question">
              <span className="group-answers__label">{q.question}</span>
              <ul className="group-answers__options">
                {q.options.map((o) => {
                  const count = t.counts[o.value] ?? 0
                  const share = t.answered > 0 ? count / t.answered : 0
                  return (
                    <li key={o.value} className="group-answers__option" aria-label={`${o.label}: ${count}`}>
                      <span className="group-answers__name">{o.label}</span>
                      <span className="group-answers__bar" aria-hidden="true">
                        <span className={`group-answers__fill group-answers__fill--${o.points}`} style={{ width: `${share * 100}%` }} />
                      </span>
                      <span className="group-answers__count">{count}</span>
                    </li>
                  )
                })}
              </ul>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
