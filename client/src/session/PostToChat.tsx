// "Post to chat" in the review (facilitator only): the session's Slack and Teams webhooks (shown
// masked, set or replaced here), whether time's-up and task-done updates go too, the button that
// posts the review, and where each post stands ("Posted to Slack", "… — retrying", "Refused: …").
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { CHAT_CHANNEL_LABEL, CHAT_CHANNELS, type ChatChannel, type ChatDelivery, type ChatSettingsView, type ChatUpdates } from '@sandbox/shared'
import '../styles/review-outcomes.css'
import { fetchChat, postToChat, saveChat } from './reviewApi.ts'
import { useSession } from './SessionContext.ts'

const POLL_MS = 1500
const PLACEHOLDER: Record<ChatChannel, string> = {
  slack: 'https://hooks.slack.com/services/…',
  teams: 'https://….logic.azure.com/workflows/…',
}
const UPDATE_LABEL: Record<keyof ChatUpdates, string> = { timeUp: 'Also post when time’s up', taskDone: 'Also post when a task is done' }

const busy = (d: ChatDelivery) => d.state === 'sending' || d.state === 'retrying'
const ICON: Record<ChatDelivery['state'], string> = { sending: '…', retrying: '↻', posted: '✓', failed: '✕', refused: '⊘' }

function ChannelRow({ channel, view, onSave }: { channel: ChatChannel; view: ChatSettingsView; onSave: (url: string | null) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false)
  const [url, setUrl] = useState('')
  const { target, source } = view.channels[channel]
  const label = CHAT_CHANNEL_LABEL[channel]
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await onSave(url.trim() || null)) {
      setEditing(false)
      setUrl('')
    }
  }
  return (
    <li className="chat-channel">
      <div className="chat-channel__head">
        <span className="chat-channel__name">{label}</span>
        {!editing ? (
          <button type="button" className="button button--ghost button--small" onClick={() => setEditing(true)} aria-label={`${target ? 'Change' : 'Set'} the ${label} webhook`}>
            {target ? 'Change' : 'Set'}
          </button>
        ) : null}
      </div>
      <p className="chat-channel__target">{target ? `${target}${source === 'server' ? ' (server default)' : ''}` : 'Not set'}</p>
      {editing ? (
        <form className="chat-channel__form" onSubmit={(e) => void submit(e)}>
          <label className="field-label" htmlFor={`webhook-${channel}`}>
            {label} webhook URL
          </label>
          <input
            id={`webhook-${channel}`}
            className="input"
            type="url"
            autoComplete="off"
            spellCheck={false}
            placeholder={PLACEHOLDER[channel]}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="button button--primary button--small" disabled={!url.trim()}>
              Save
            </button>
            {source === 'session' ? (
              <button type="button" className="button button--secondary button--small" onClick={() => void onSave(null).then((ok) => ok && setEditing(false))}>
                Remove
              </button>
            ) : null}
            <button type="button" className="button button--ghost button--small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </li>
  )
}

export function PostToChat() {
  const { sessionId, token, role } = useSession()
  const [view, setView] = useState<ChatSettingsView | null>(null)
  const [error, setError] = useState('')
  const [posting, setPosting] = useState(false)
  const facilitator = role === 'facilitator'

  const refresh = useCallback(async () => {
    try {
      setView(await fetchChat(sessionId, token))
    } catch (e) {
      setError((e as Error).message)
    }
  }, [sessionId, token])
  useEffect(() => {
    if (facilitator) void refresh()
  }, [facilitator, refresh])
  // While a post is under way (or being retried), follow it.
  const pending = view?.deliveries.some(busy) ?? false
  useEffect(() => {
    if (!pending) return
    const timer = window.setInterval(() => void refresh(), POLL_MS)
    return () => window.clearInterval(timer)
  }, [pending, refresh])

  if (!facilitator) return null

  const save = async (body: Parameters<typeof saveChat>[2]): Promise<boolean> => {
    try {
      setView(await saveChat(sessionId, token, body))
      setError('')
      return true
    } catch (e) {
      setError((e as Error).message)
      return false
    }
  }
  const post = async () => {
    setPosting(true)
    try {
      await postToChat(sessionId, token)
      setError('')
    } catch (e) {
      setError((e as Error).message)
    }
    await refresh()
    setPosting(false)
  }

  const configured = view ? CHAT_CHANNELS.filter((c) => view.channels[c].target) : []
  // The latest post per channel, newest first.
  const latest = view ? CHAT_CHANNELS.flatMap((c) => view.deliveries.filter((d) => d.channel === c).slice(0, 1)) : []
  return (
    <section className="panel-card chat-card" aria-labelledby="chat-title">
      <h3 id="chat-title" className="panel-card__title">
        Tell the team
      </h3>
      <p className="panel-card__hint">Post the problem, the decisions and everyone’s tasks to your team’s chat, with a view-only link back here.</p>
      {view ? (
        <>
          <ul className="chat-channels">
            {CHAT_CHANNELS.map((c) => (
              <ChannelRow key={c} channel={c} view={view} onSave={(url) => save(c === 'slack' ? { slackUrl: url } : { teamsUrl: url })} />
            ))}
          </ul>
          <div className="chat-updates">
            {(Object.keys(UPDATE_LABEL) as (keyof ChatUpdates)[]).map((k) => (
              <label key={k} className="checkbox-field">
                <input
                  type="checkbox"
                  checked={view.updates[k]}
                  onChange={(e) => {
                    // Shown at once; the server's answer (or a refresh after an error) settles it.
                    const on = e.target.checked
                    setView({ ...view, updates: { ...view.updates, [k]: on } })
                    void save({ updates: { [k]: on } }).then((ok) => (ok ? undefined : refresh()))
                  }}
                />
                <span>{UPDATE_LABEL[k]}</span>
              </label>
            ))}
          </div>
          <button type="button" className="button button--primary button--small" disabled={configured.length === 0 || posting} onClick={() => void post()}>
            Post to chat
          </button>
          {configured.length === 0 ? <p className="panel-card__hint">Set a Slack or Teams webhook first.</p> : null}
        </>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="chat-deliveries" role="status" aria-live="polite">
        {latest.map((d) => (
          <li key={`${d.key}-${d.channel}`} className={`chat-delivery chat-delivery--${d.state}`}>
            <span className="chat-delivery__icon" aria-hidden="true">
              {ICON[d.state]}
            </span>
            <span>
              {d.message}
              {d.kind !== 'review' ? <span className="muted"> ({d.kind === 'timeUp' ? 'time’s up' : 'task done'})</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
