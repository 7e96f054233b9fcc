// The session template on the board: the phase bar above the canvas, a sidebar with what the
// current phase needs, and badges over the stickies. Mounted by BoardView inside `.board-panels`.
import { useCallback, useEffect, useMemo, useState } from 'react'
import { PHASE_INFO, Root, warmupQuestion, type ParticipantIds, type Phase } from '@sandbox/shared'
import { usePeople } from '../board/usePeople.ts'
import '../styles/session-layout.css'
import '../styles/session-phases.css'
import '../styles/session-tasks.css'
import '../styles/session-facilitation.css'
import { CanvasBanner } from './CanvasBanner.tsx'
import { CollaboratePanel } from './CollaboratePanel.tsx'
import { ConvergePanel } from './ConvergePanel.tsx'
import { ExecutePanel } from './ExecutePanel.tsx'
import { enableFocusMode } from './focusMode.ts'
import { FramePanel } from './FramePanel.tsx'
import { possibleOwners } from './ownership.ts'
import { PhaseBar } from './PhaseBar.tsx'
import { PrivateWritingControls } from './PrivateWritingControls.tsx'
import { ReviewPanel } from './ReviewPanel.tsx'
import type { SessionContextValue } from './SessionContext.ts'
import { SplitPanel } from './SplitPanel.tsx'
import { StickyOverlay } from './StickyOverlay.tsx'
import { StickyGuards } from './StickyGuards.tsx'
import { GroupBadges } from './GroupBadges.tsx'
import { useSelectedSticky, useStickies } from './stickies.ts'
import { ReportContext, type Report } from './useActions.ts'
import { useParticipants, useSessionFields, useTasks, useVotes, useYMapJSON } from './useSessionState.ts'
import { useVoting } from './useVoting.ts'
import { WarmupPanel } from './WarmupPanel.tsx'
import { AttentionLayer } from './AttentionLayer.tsx'
import { useGroupFrame } from './useAttention.ts'

export type SessionPanelsProps = SessionContextValue

/** Why this phase, in the article's words: shown under the sidebar's heading. */
const PHASE_WHY: Record<Phase, string> = {
  warmup: 'Trust comes first: people only share half-formed ideas with people they know a little.',
  frame: 'Not everything needs the whole group. Collaboration is expensive; spend it where it pays.',
  collaborate: 'The kitchen: we build this together. Every idea counts, and nobody owns one yet.',
  converge: 'Narrow down together. Dots are limited, so spend them on what is worth doing.',
  split: 'From “our problem” to “my part”: every task leaves with exactly one owner.',
  execute: 'The potluck: bring your dish. Deep work, on your own, without a meeting.',
  review: 'Regroup: look at the whole, then decide what happens next.',
}

const NOTICE_MS = 6000

export function SessionPanels({ doc, editor, role, connection, title, privateRecords }: SessionPanelsProps) {
  const session = useSessionFields(doc)
  /** The session map as stored, for the rules that read fields beyond the template's. */
  const rawSession = useYMapJSON(doc, Root.session)
  const tasks = useTasks(doc)
  const votes = useVotes(doc)
  const participants = useParticipants(doc)
  // Whose votes count and who can own a task: the server's participant records, never an anonymous id.
  const participantIds = useMemo<ParticipantIds>(() => new Set(possibleOwners(participants).map((p) => p.id)), [participants])
  const people = usePeople(connection.provider.awareness)
  const presentIds = useMemo(() => new Set(people.map((p) => p.id)), [people])
  const stickies = useStickies(editor)
  const selectedId = useSelectedSticky(editor)
  const [focus, setFocus] = useState(false)
  const [notice, setNotice] = useState<{ message: string; tone: 'error' | 'info'; at: number } | null>(null)
  const { phase } = session
  const voting = useVoting({ session: rawSession, votes, participantIds, voteLimit: session.voteLimit, inConverge: phase === 'converge' })

  const report = useCallback<Report>((message, tone = 'info') => setNotice({ message, tone, at: Date.now() }), [])
  useEffect(() => {
    if (!notice) return
    const timer = window.setTimeout(() => setNotice(null), NOTICE_MS)
    return () => window.clearTimeout(timer)
  }, [notice])
  useEffect(() => setNotice(null), [phase])
  // What the server refused on the private channel (a vote over the limit, a sticky too large).
  useEffect(() => connection.privateChannel.onMessage((m) => (m.t === 'refused' ? report(m.reason, 'error') : undefined)), [connection, report])

  const focusOn = focus && phase === 'execute'
  useEffect(() => {
    if (!focusOn || !editor) return
    return enableFocusMode(editor)
  }, [focusOn, editor])

  const [sheetOpen, setSheetOpen] = useState(false)
  const info = PHASE_INFO[phase]
  // The facilitator's decision where made, the group's majority elsewhere.
  const framed = useGroupFrame(doc, session.frameAnswers).recommendation
  const recommendation = framed.kind === 'incomplete' ? undefined : `Recommendation: ${framed.headline.toLowerCase()}.`
  return (
    <ReportContext.Provider value={report}>
      <PhaseBar phase={phase} tasks={tasks} participantIds={participantIds} />
      <AttentionLayer />
      {phase === 'warmup' ? <CanvasBanner eyebrow="While everyone arrives" text={warmupQuestion(session.warmupIndex)} /> : null}
      {phase === 'frame' && session.problem ? <CanvasBanner eyebrow="The problem" text={session.problem} detail={recommendation} /> : null}
      <StickyOverlay editor={editor} phase={phase} voting={voting} tasks={tasks} privateRecords={privateRecords} />
      <StickyGuards editor={editor} role={role} tasks={tasks} />
      <GroupBadges editor={editor} stickies={stickies} phase={phase} voting={voting} />
      <aside
        className={`session-sidebar session-sidebar--${phase}${sheetOpen ? ' session-sidebar--open' : ''}`}
        aria-label="Session panel"
        data-role={role}
      >
        <header className="session-sidebar__header">
          <div className="session-sidebar__heading">
            <h2 className="session-sidebar__title">{info.label}</h2>
            {/* On a phone the panel is a sheet over the bottom of the board, folded until opened. */}
            <button
              type="button"
              className="button button--ghost button--small session-sidebar__toggle"
              aria-expanded={sheetOpen}
              aria-controls="session-sidebar-body"
              onClick={() => setSheetOpen((open) => !open)}
            >
              {sheetOpen ? 'Show the board' : 'Show the panel'}
            </button>
          </div>
          <p className="session-sidebar__why">{PHASE_WHY[phase]}</p>
        </header>
        {notice ? (
          <p className={`session-notice session-notice--${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
            {notice.message}
          </p>
        ) : null}
        <div className="session-sidebar__body" id="session-sidebar-body" role="region" tabIndex={0} aria-label={`${info.label}: what to do now`}>
          {phase === 'warmup' ? <WarmupPanel warmupIndex={session.warmupIndex} people={people} /> : null}
          {phase === 'frame' ? <FramePanel problem={session.problem} answers={session.frameAnswers} /> : null}
          {phase === 'collaborate' ? <PrivateWritingControls session={rawSession} participants={participants} /> : null}
          {phase === 'collaborate' ? <CollaboratePanel timer={session.timer} editor={editor} stickyCount={stickies.length} problem={session.problem} /> : null}
          {phase === 'converge' ? (
            <ConvergePanel editor={editor} stickies={stickies} votes={votes} voting={voting} session={rawSession} participants={participants} selectedId={selectedId} />
          ) : null}
          {phase === 'split' ? (
            <SplitPanel
              editor={editor}
              stickies={stickies}
              tasks={tasks}
              voting={voting}
              participants={participants}
              participantIds={participantIds}
              presentIds={presentIds}
              seed={session.seed}
            />
          ) : null}
          {phase === 'execute' ? <ExecutePanel tasks={tasks} focus={focusOn} onFocusChange={setFocus} /> : null}
          {phase === 'review' ? (
            (
            <ReviewPanel
              title={session.title || title}
              problem={session.problem}
              tasks={tasks}
              voting={voting}
              participantIds={participantIds}
              ideaCount={stickies.length}
            />
          )
          ) : null}
        </div>
      </aside>
    </ReportContext.Provider>
  )
}
