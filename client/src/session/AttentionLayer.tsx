// Where the group's attention is pulled together, over the top of the canvas: "Bring everyone
// here" moves every view to the facilitator's (once per summon), following someone's view from
// the presence list until you move, and the "Time's up" banner with its chime.
import { useCallback, useEffect, useRef, useState } from 'react'
import { Box, createUserId, useValue, type Editor, type TLEventInfo } from 'tldraw'
import { isTimeUp, type Summon, type Timer } from '@sandbox/shared'
import { handleFollowRequests, setFollowing, type FollowTarget } from '../board/following.ts'
import { playChime, primeAudio } from './chime.ts'
import { serverNow, useServerNow } from './serverClock.ts'
import { useSession } from './SessionContext.ts'
import { isTimerMuted } from './TimerCard.tsx'
import { useSummon } from './useAttention.ts'
import { useSessionFields } from './useSessionState.ts'
import '../styles/attention.css'

const TOAST_MS = 6000
/** A summon older than this (someone opening the board later) no longer moves anyone. */
const SUMMON_FRESH_MS = 60_000
/** Someone who arrives later than this after time ran out sees the banner but hears nothing. */
const CHIME_FRESH_MS = 10_000
const SUMMON_ANIMATION_MS = 600

const summonSeenKey = (sessionId: string) => `sandbox.summonSeen.${sessionId}`
const timesUpDismissedKey = (sessionId: string) => `sandbox.timesUpDismissed.${sessionId}`
const chimedKey = (sessionId: string) => `sandbox.timesUpChimed.${sessionId}`

function readStored(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key)
  } catch {
    return null
  }
}
function writeStored(storage: () => Storage, key: string, value: string): void {
  try {
    storage().setItem(key, value)
  } catch {
    // No storage: the choice lasts for this page only.
  }
}
const local = () => window.localStorage
const perTab = () => window.sessionStorage

export function AttentionLayer() {
  const { doc, editor, participant, sessionId } = useSession()
  const { timer } = useSessionFields(doc)
  const summon = useSummon(doc)
  const [toast, setToast] = useState<{ text: string; at: number } | null>(null)
  const showToast = useCallback((text: string) => setToast({ text, at: Date.now() }), [])
  useEffect(() => {
    if (!toast) return
    const t = window.setTimeout(() => setToast(null), TOAST_MS)
    return () => window.clearTimeout(t)
  }, [toast])

  useSummonReaction(editor, summon, sessionId, participant.id, showToast)
  const following = useFollowing(editor, showToast)

  return (
    <div className="attention-stack">
      <TimesUpBanner timer={timer} sessionId={sessionId} />
      {following ? (
        <div className="attention-pill attention-pill--follow" role="status">
          <span>
            Following <strong>{following.name}</strong>
          </span>
          <span aria-hidden="true">—</span>
          <button type="button" className="button button--ghost button--small" onClick={() => editor?.stopFollowingUser()}>
            Stop
          </button>
        </div>
      ) : null}
      {toast ? (
        <p key={toast.at} className="attention-pill attention-pill--toast" role="status">
          {toast.text}
        </p>
      ) : null}
    </div>
  )
}

/** Fits this person's camera to the facilitator's viewport once per new summon. */
function useSummonReaction(editor: Editor | null, summon: Summon | null, sessionId: string, myId: string, showToast: (text: string) => void): void {
  useEffect(() => {
    if (!summon || !editor) return
    const key = summonSeenKey(sessionId)
    if (summon.at <= Number(readStored(perTab, key) ?? 0)) return
    writeStored(perTab, key, String(summon.at))
    if (serverNow() - summon.at > SUMMON_FRESH_MS) return
    if (summon.by === myId) {
      showToast('Everyone now sees your view')
      return
    }
    if (editor.getInstanceState().followingUserId) editor.stopFollowingUser()
    editor.zoomToBounds(new Box(summon.x, summon.y, summon.w, summon.h), { inset: 0, animation: { duration: SUMMON_ANIMATION_MS } })
    showToast('The facilitator brought everyone here')
    // Keyed on `at`: a new summon, not a re-render, moves the camera.
  }, [summon?.at, editor])
}

/**
 * Follows whoever the presence list asks for, until this person moves: tldraw stops on a pan or
 * zoom of its own, and a pointer down on the canvas stops it here.
 */
function useFollowing(editor: Editor | null, showToast: (text: string) => void): FollowTarget | null {
  const target = useRef<FollowTarget | null>(null)
  const followingUserId = useValue('following user', () => editor?.getInstanceState().followingUserId ?? null, [editor])
  useEffect(() => {
    if (!editor) return
    const unregister = handleFollowRequests((next) => {
      if (!next) {
        editor.stopFollowingUser()
        return
      }
      const userId = createUserId(next.id)
      if (!editor.getCollaborators().some((c) => c.userId === userId)) {
        showToast(`${next.name}’s view is not known yet: they have not opened the board.`)
        return
      }
      target.current = next
      editor.startFollowingUser(userId)
    })
    const onEvent = (info: TLEventInfo) => {
      if (info.type === 'pointer' && info.name === 'pointer_down' && editor.getInstanceState().followingUserId) editor.stopFollowingUser()
    }
    editor.on('event', onEvent)
    return () => {
      unregister()
      editor.off('event', onEvent)
    }
  }, [editor, showToast])
  const now = followingUserId && target.current && createUserId(target.current.id) === followingUserId ? target.current : null
  useEffect(() => {
    setFollowing(now)
  }, [now])
  useEffect(() => () => setFollowing(null), [])
  return now
}

/**
 * "Time's up", once per timer run (keyed on its end), for everyone on the board, including people
 * who arrived mid-run; dismissed, it stays dismissed on reload. The chime plays once per run on
 * this device, unless muted.
 */
function TimesUpBanner({ timer, sessionId }: { timer: Timer; sessionId: string }) {
  const running = timer.state === 'running'
  const now = useServerNow(running, 500)
  const endsAt = running ? timer.endsAt : null
  const up = endsAt !== null && isTimeUp(timer, now)
  const [dismissed, setDismissed] = useState(() => readStored(local, timesUpDismissedKey(sessionId)))
  const show = up && dismissed !== String(endsAt)

  useEffect(() => {
    // Browsers allow sound only after an interaction: wake the audio on the first one.
    const prime = () => primeAudio()
    window.addEventListener('pointerdown', prime, { once: true, capture: true })
    window.addEventListener('keydown', prime, { once: true, capture: true })
    return () => {
      window.removeEventListener('pointerdown', prime, { capture: true })
      window.removeEventListener('keydown', prime, { capture: true })
    }
  }, [])

  useEffect(() => {
    if (!show || endsAt === null) return
    const key = chimedKey(sessionId)
    if (readStored(perTab, key) === String(endsAt)) return
    writeStored(perTab, key, String(endsAt))
    if (serverNow() - endsAt > CHIME_FRESH_MS || isTimerMuted()) return
    playChime()
  }, [show, endsAt, sessionId])

  if (!show) return null
  const dismiss = () => {
    writeStored(local, timesUpDismissedKey(sessionId), String(endsAt))
    setDismissed(String(endsAt))
  }
  return (
    <div className="attention-pill attention-pill--times-up" role="alert">
      <span>
        <strong>{"Time's up"}</strong> — the time box has run out.
      </span>
      <button type="button" className="button button--secondary button--small" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  )
}
