// Posts to the team's chat: resolves each channel's webhook (the session's own, else the
// server-wide one), checks it against the allow list, sends every part of a post with bounded
// retries and backoff, and records where each post stands so the facilitator sees it
// ("Posted to Slack", "Slack answered 500 — retrying", "Refused: host not allowed"). Parts already
// posted are never sent twice. Webhook URLs never reach a log line or an answer.
import {
  CHAT_CHANNEL_LABEL,
  CHAT_CHANNELS,
  chatDeliverySchema,
  chatUpdatesSchema,
  DEFAULT_CHAT_UPDATES,
  maskWebhookUrl,
  slackReviewMessages,
  slackUpdateMessage,
  teamsReviewMessages,
  teamsUpdateMessage,
  type ChatChannel,
  type ChatDelivery,
  type ChatPostKind,
  type ChatReview,
  type ChatSettingsBody,
  type ChatSettingsView,
  type ChatUpdateMessage,
  type ChatUpdates,
} from '@sandbox/shared'
import type { Logger } from '../log.ts'
import type { Storage } from '../storage/Storage.ts'
import { postWebhook } from './postWebhook.ts'
import { checkWebhookUrl } from './webhookHosts.ts'

export interface ChatConfig {
  slackWebhookUrl: string | null
  teamsWebhookUrl: string | null
  webhookAllowedHosts: string[]
  webhookTimeoutMs: number
  webhookRetryDelaysMs: number[]
}

/** Posts listed back to the facilitator. */
const DELIVERIES_SHOWN = 20

const parseJSON = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

type Resolved = Record<ChatChannel, { url: string; source: 'session' | 'server' } | null>

export class ChatPoster {
  private readonly storage: Storage
  private readonly log: Logger
  private readonly config: ChatConfig
  private readonly inFlight = new Set<Promise<void>>()
  private readonly stop = new AbortController()

  constructor(storage: Storage, log: Logger, config: ChatConfig) {
    this.storage = storage
    this.log = log
    this.config = config
  }

  private async settings(sessionId: string): Promise<{ resolved: Resolved; own: { slackUrl: string | null; teamsUrl: string | null }; updates: ChatUpdates }> {
    const row = await this.storage.chatSettings(sessionId)
    const parsed = chatUpdatesSchema.safeParse(row ? parseJSON(row.updates) : null)
    const own = { slackUrl: row?.slackUrl ?? null, teamsUrl: row?.teamsUrl ?? null }
    const pick = (mine: string | null, server: string | null) => (mine ? { url: mine, source: 'session' as const } : server ? { url: server, source: 'server' as const } : null)
    return {
      resolved: { slack: pick(own.slackUrl, this.config.slackWebhookUrl), teams: pick(own.teamsUrl, this.config.teamsWebhookUrl) },
      own,
      updates: parsed.success ? parsed.data : DEFAULT_CHAT_UPDATES,
    }
  }

  /** What the facilitator sees: masked targets, the chosen updates, the latest posts. */
  async view(sessionId: string): Promise<ChatSettingsView> {
    const { resolved, updates } = await this.settings(sessionId)
    const rows = await this.storage.chatDeliveries(sessionId, DELIVERIES_SHOWN)
    const deliveries = rows.flatMap((r) => {
      const parsed = chatDeliverySchema.safeParse(parseJSON(r.status))
      return parsed.success ? [parsed.data] : []
    })
    const channel = (c: ChatChannel) => ({ target: resolved[c] ? maskWebhookUrl(resolved[c].url) : null, source: resolved[c]?.source ?? null })
    return { channels: { slack: channel('slack'), teams: channel('teams') }, updates, deliveries }
  }

  /** Saves the facilitator's changes; a URL the server may not post to is refused with the reason. */
  async update(sessionId: string, body: ChatSettingsBody): Promise<{ ok: true } | { ok: false; reason: string }> {
    const { own, updates } = await this.settings(sessionId)
    const next = { ...own }
    for (const [key, value] of [['slackUrl', body.slackUrl], ['teamsUrl', body.teamsUrl]] as const) {
      if (value === undefined) continue
      if (value === null || value === '') {
        next[key] = null
        continue
      }
      const check = checkWebhookUrl(value, this.config.webhookAllowedHosts)
      if (!check.ok) return { ok: false, reason: `${key === 'slackUrl' ? 'Slack' : 'Teams'}: ${check.reason}` }
      next[key] = value
    }
    const row = { ...next, updates: JSON.stringify({ ...updates, ...body.updates }) }
    await this.storage.putChatSettings(sessionId, row, Date.now())
    this.log.info({ event: 'chat.settings', session: sessionId, slack: next.slackUrl !== null, teams: next.teamsUrl !== null }, 'chat settings saved')
    return { ok: true }
  }

  /** Posts the review to `channels` (default: every configured one); the sending goes on in the background. */
  async postReview(sessionId: string, review: ChatReview, channels?: readonly ChatChannel[]): Promise<ChatDelivery[]> {
    const { resolved } = await this.settings(sessionId)
    const wanted = channels ?? CHAT_CHANNELS.filter((c) => resolved[c])
    const key = `review:${Date.now()}`
    const started: ChatDelivery[] = []
    for (const channel of wanted) {
      const messages = channel === 'slack' ? slackReviewMessages(review) : teamsReviewMessages(review)
      started.push(await this.start(sessionId, key, 'review', channel, resolved[channel]?.url ?? null, messages))
    }
    return started
  }

  /** Posts a time's-up or task-done update where the session chose to; once per key across processes. */
  async postUpdate(sessionId: string, key: string, update: ChatUpdateMessage): Promise<void> {
    const { resolved, updates } = await this.settings(sessionId)
    if (!updates[update.kind]) return
    for (const channel of CHAT_CHANNELS) {
      const url = resolved[channel]?.url
      if (!url) continue
      const message = channel === 'slack' ? slackUpdateMessage(update) : teamsUpdateMessage(update)
      await this.start(sessionId, key, update.kind, channel, url, [message], true)
    }
  }

  private async start(sessionId: string, key: string, kind: ChatPostKind, channel: ChatChannel, url: string | null, messages: readonly unknown[], once = false): Promise<ChatDelivery> {
    const label = CHAT_CHANNEL_LABEL[channel]
    const delivery: ChatDelivery = { key, kind, channel, state: 'sending', message: `Posting to ${label}…`, attempts: 0, parts: messages.length, at: Date.now() }
    const check = url ? checkWebhookUrl(url, this.config.webhookAllowedHosts) : { ok: false as const, reason: `Refused: no ${label} webhook is set for this session or this server.` }
    if (!check.ok) Object.assign(delivery, { state: 'refused', message: check.reason })
    if (once) {
      if (!(await this.storage.claimChatDelivery(sessionId, key, channel, JSON.stringify(delivery), delivery.at))) return delivery
    } else await this.record(sessionId, delivery)
    if (!check.ok) {
      this.log.warn({ event: 'chat.refused', session: sessionId, channel, kind }, 'chat post refused')
      return delivery
    }
    const sending = this.send(sessionId, delivery, check.url, messages).finally(() => this.inFlight.delete(sending))
    this.inFlight.add(sending)
    return { ...delivery }
  }

  private async send(sessionId: string, d: ChatDelivery, url: URL, messages: readonly unknown[]): Promise<void> {
    const label = CHAT_CHANNEL_LABEL[d.channel]
    const delays = this.config.webhookRetryDelaysMs
    const maxAttempts = delays.length + 1
    let sent = 0
    for (;;) {
      d.attempts += 1
      let failure: { retry: boolean; reason: string } | null = null
      while (sent < messages.length) {
        const result = await postWebhook(url, messages[sent], label, this.config.webhookTimeoutMs, this.stop.signal)
        if (!result.ok) {
          failure = result
          break
        }
        sent += 1
      }
      if (!failure) {
        const parts = messages.length > 1 ? ` in ${messages.length} messages` : ''
        await this.finish(sessionId, d, 'posted', `Posted to ${label}${parts}`)
        return
      }
      const partNote = sent > 0 ? ` (${sent} of ${messages.length} messages posted)` : ''
      const delay = delays[d.attempts - 1]
      if (!failure.retry || delay === undefined) {
        const tries = d.attempts > 1 ? ` after ${d.attempts} attempts` : ''
        const next = this.stop.signal.aborted ? 'Post again.' : 'Post again when it is fixed.'
        await this.finish(sessionId, d, 'failed', `Could not post to ${label}: ${failure.reason}${tries}${partNote}. ${next}`)
        return
      }
      await this.finish(sessionId, d, 'retrying', `${failure.reason} — retrying (attempt ${d.attempts + 1} of ${maxAttempts})${partNote}`)
      if (!(await this.wait(delay))) {
        await this.finish(sessionId, d, 'failed', `Could not post to ${label}: the server stopped before a retry${partNote}. Post again.`)
        return
      }
    }
  }

  private async finish(sessionId: string, d: ChatDelivery, state: ChatDelivery['state'], message: string): Promise<void> {
    Object.assign(d, { state, message, at: Date.now() })
    const level = state === 'posted' ? 'info' : 'warn'
    this.log[level]({ event: `chat.${state}`, session: sessionId, channel: d.channel, kind: d.kind, attempts: d.attempts, reason: state === 'posted' ? undefined : message }, 'chat post')
    await this.record(sessionId, d)
  }

  private async record(sessionId: string, d: ChatDelivery): Promise<void> {
    try {
      await this.storage.putChatDelivery(sessionId, d.key, d.channel, JSON.stringify(d), d.at)
    } catch (error) {
      this.log.error({ event: 'chat.record_failed', session: sessionId, channel: d.channel, err: error }, 'could not record a chat post')
    }
  }

  private wait(ms: number): Promise<boolean> {
    if (this.stop.signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.stop.signal.removeEventListener('abort', onAbort)
        resolve(true)
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        resolve(false)
      }
      this.stop.signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Waits until every post under way has finished (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  /** Stops retrying (each post left is recorded as failed), then waits for what is sending. */
  async close(): Promise<void> {
    this.stop.abort()
    await this.idle()
  }
}
