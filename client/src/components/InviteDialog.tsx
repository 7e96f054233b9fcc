// "Invite people": the links this person may hand out. A facilitator gets the join and view-only
// links from the server (derived from their own token) and is told plainly that their own link is
// not for sharing; a participant gets the join link, a viewer the view-only link. For a session
// the server cannot derive links for, the links this browser remembers stand in.
import { useEffect, useId, useRef, useState } from 'react'
import type { Role } from '@sandbox/shared'
import { ApiError, fetchLinks, type SessionLinks } from '../lib/api.ts'
import { rememberSession, rememberedTokens } from '../lib/storage.ts'
import { boardPath } from '../router.tsx'
import { CopyField } from './CopyField.tsx'
import '../styles/invite.css'

export interface InviteProps {
  sessionId: string
  token: string
  title: string
  role: Role
}

type Links = { joinUrl?: string | undefined; viewUrl?: string | undefined; facilitatorUrl?: string | undefined }
type LoadState = { kind: 'loading' } | { kind: 'ready'; links: Links; fromBrowser: boolean } | { kind: 'failed'; message: string; links: Links }

const tokenIn = (url: string | undefined): string | undefined => {
  if (!url) return undefined
  try {
    return new URL(url, window.location.origin).searchParams.get('token') ?? undefined
  } catch {
    return undefined
  }
}

const localUrl = (sessionId: string, token: string | undefined): string | undefined =>
  token ? new URL(boardPath(sessionId, token), window.location.origin).href : undefined

/** The links this browser was given for the session, for when the server cannot say. */
function linksFromBrowser(sessionId: string, token: string, role: Role): Links {
  const held = { ...rememberedTokens(sessionId), [role]: token }
  return {
    joinUrl: localUrl(sessionId, held.participant),
    viewUrl: localUrl(sessionId, held.viewer),
    facilitatorUrl: localUrl(sessionId, held.facilitator),
  }
}

/** What the server answered, with the browser's own links filling what it could not derive. */
function merge(sessionId: string, token: string, answer: SessionLinks): { links: Links; fromBrowser: boolean } {
  if (answer.role !== 'facilitator' || answer.derivable !== false) return { links: answer, fromBrowser: false }
  const local = linksFromBrowser(sessionId, token, answer.role)
  return { links: { joinUrl: local.joinUrl, viewUrl: local.viewUrl, facilitatorUrl: answer.facilitatorUrl ?? local.facilitatorUrl }, fromBrowser: true }
}

export function InviteButton({ sessionId, token, title, role }: InviteProps) {
  const [open, setOpen] = useState(false)
  const buttonRef = useRef<HTMLButtonElement>(null)
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="button button--secondary button--small invite-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
      >
        <svg className="invite-button__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <circle cx="8" cy="6.5" r="3.2" />
          <path d="M2 17c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5" />
          <path d="M16 5.5v5M13.5 8h5" />
        </svg>
        <span className="invite-button__text">Invite people</span>
      </button>
      {open ? (
        <InviteDialog
          sessionId={sessionId}
          token={token}
          title={title}
          role={role}
          onClose={() => {
            setOpen(false)
            buttonRef.current?.focus()
          }}
        />
      ) : null}
    </>
  )
}

function InviteDialog({ sessionId, token, title, role, onClose }: InviteProps & { onClose(): void }) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const headingId = useId()
  const textId = useId()
  const [state, setState] = useState<LoadState>({ kind: 'loading' })

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  useEffect(() => {
    let cancelled = false
    fetchLinks(sessionId, token)
      .then((answer) => {
        if (cancelled) return
        const { links, fromBrowser } = merge(sessionId, token, answer)
        // Remember every link handed out here, so "Your sessions" keeps them.
        rememberSession(sessionId, title, {
          ...(tokenIn(links.joinUrl) ? { participant: tokenIn(links.joinUrl) } : {}),
          ...(tokenIn(links.viewUrl) ? { viewer: tokenIn(links.viewUrl) } : {}),
          [role]: token,
        })
        setState({ kind: 'ready', links, fromBrowser })
      })
      .catch((error: unknown) => {
        if (cancelled) return
        const message = error instanceof ApiError ? error.message : 'The links could not be loaded. Try again.'
        setState({ kind: 'failed', message, links: linksFromBrowser(sessionId, token, role) })
      })
    return () => {
      cancelled = true
    }
  }, [sessionId, token, title, role])

  // Once the links are in, put focus on the first Copy button unless the person moved it already.
  useEffect(() => {
    const dialog = dialogRef.current
    if (state.kind === 'loading' || !dialog) return
    if (!dialog.querySelector('.invite-dialog__links')?.contains(document.activeElement)) {
      dialog.querySelector<HTMLButtonElement>('.copy-field button')?.focus()
    }
  }, [state.kind])

  const links = state.kind === 'loading' ? {} : state.links
  const facilitator = role === 'facilitator'
  const intro = facilitator
    ? 'Send the join link to everyone who should take part: they type a name and are on the board.'
    : role === 'participant'
      ? 'Send this link to anyone who should take part: they type a name and are on the board with you.'
      : 'Anyone with this link can watch the board without changing it.'

  return (
    <dialog
      ref={dialogRef}
      className="dialog invite-dialog"
      aria-labelledby={headingId}
      aria-describedby={textId}
      onClose={onClose}
      // A click on the backdrop (the dialog element itself, outside its content) closes it.
      onClick={(e) => {
        if (e.target === e.currentTarget) e.currentTarget.close()
      }}
    >
      <div className="invite-dialog__body">
        <h2 id={headingId} className="dialog__title">
          Invite people
        </h2>
        <p id={textId} className="dialog__text invite-dialog__intro">
          {intro}
        </p>

        {state.kind === 'loading' ? (
          <p className="loading-text" role="status">
            Getting the links…
          </p>
        ) : (
          <div className="invite-dialog__links">
            {state.kind === 'failed' ? (
              <p className="field-error" role="alert">
                {state.message}
              </p>
            ) : null}
            {role !== 'viewer' ? (
              links.joinUrl ? (
                <CopyField label="Join link" copyLabel="Copy join link" value={links.joinUrl} hint="For everyone who takes part: they can add stickies, vote and own tasks." />
              ) : (
                <p className="invite-dialog__missing">
                  This session was created before Sandbox could give its join link back, and this browser does not hold it. Use the join link you
                  copied when you created the session.
                </p>
              )
            ) : null}
            {role === 'viewer' || (facilitator && links.viewUrl) ? (
              links.viewUrl ? (
                <CopyField label="View-only link" copyLabel="Copy view-only link" value={links.viewUrl} hint="For people who watch without changing anything, or a shared screen." />
              ) : null
            ) : null}
            {state.kind === 'ready' && state.fromBrowser && (links.joinUrl || links.viewUrl) ? (
              <p className="invite-dialog__note">These are the links this browser remembers for the session.</p>
            ) : null}
            {facilitator ? (
              <section className="invite-dialog__own" aria-labelledby={`${headingId}-own`}>
                <h3 id={`${headingId}-own`} className="invite-dialog__own-title">
                  Your facilitator link — do not share it
                </h3>
                <p className="invite-dialog__own-text">
                  The link in your address bar is yours alone: anyone who opens it can move the group through the phases and assign tasks. This
                  browser keeps it under “Your sessions” on the home page.
                </p>
                {links.facilitatorUrl ? (
                  <CopyField label="Facilitator link (yours only)" copyLabel="Copy your facilitator link" value={links.facilitatorUrl} />
                ) : null}
              </section>
            ) : null}
          </div>
        )}
      </div>
      <div className="invite-dialog__actions">
        <button type="button" className="button button--primary" onClick={() => dialogRef.current?.close()}>
          Done
        </button>
      </div>
      <button type="button" className="invite-dialog__close" aria-label="Close" onClick={() => dialogRef.current?.close()}>
        <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="M4 4l8 8M12 4l-8 8" />
        </svg>
      </button>
    </dialog>
  )
}
