// Frame: the problem statement and the article's three questions, which add up to a
// recommendation — collaborate, or skip the brainstorm and split the work straight away.
import { useEffect, useId, useState } from 'react'
import { FRAME_QUESTIONS, recommendMode, type FrameAnswers } from '@sandbox/shared'
import { serverNow } from './serverClock.ts'
import { useActions } from './useActions.ts'

export function FramePanel({ problem, answers }: { problem: string; answers: FrameAnswers }) {
  const { isFacilitator, write } = useActions()
  const problemId = useId()
  const [draft, setDraft] = useState(problem)
  const [editing, setEditing] = useState(false)
  useEffect(() => {
    if (!editing) setDraft(problem)
  }, [problem, editing])
  const recommendation = recommendMode(answers)
  const skipToSplit = () => write({ session: { phase: 'split', phaseChangedAt: Math.round(serverNow()) } })

  const saveProblem = () => {
    setEditing(false)
    const next = draft.trim()
    if (next !== problem) write({ session: { problem: next.slice(0, 4000) } })
  }
  const answer = (id: keyof FrameAnswers, value: string) => write({ session: { frameAnswers: { ...answers, [id]: value } } })

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
        <p className="panel-card__hint">Collaboration is expensive. Three questions decide whether to explore together or divide the work now.</p>
        {FRAME_QUESTIONS.map((q) => (
          <fieldset key={q.id} className="frame-question" disabled={!isFacilitator}>
            <legend className="frame-question__legend">{q.question}</legend>
            <div className="segmented">
              {q.options.map((o) => {
                const checked = answers[q.id] === o.value
                return (
                  <label key={o.value} className={`segmented__option ${checked ? 'segmented__option--checked' : ''}`}>
                    <input type="radio" name={`frame-${q.id}`} value={o.value} checked={checked} onChange={() => answer(q.id, o.value)} />
                    {o.label}
                  </label>
                )
              })}
            </div>
            <p className="frame-question__hint">{q.hint}</p>
          </fieldset>
        ))}
      </section>
      <section className={`panel-card recommendation recommendation--${recommendation.kind}`} aria-live="polite" aria-labelledby="recommendation-title">
        <h3 id="recommendation-title" className="panel-card__eyebrow">
          Recommendation
        </h3>
        {recommendation.kind === 'incomplete' ? (
          <p className="muted">
            {recommendation.missing.length === 3
              ? 'Answer the three questions to see whether to collaborate or split.'
              : `${recommendation.missing.length} question${recommendation.missing.length === 1 ? '' : 's'} to go.`}
          </p>
        ) : (
          <>
            <p className="recommendation__headline">{recommendation.headline}</p>
            <p>{recommendation.detail}</p>
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
