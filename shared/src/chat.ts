// Posting to the team's chat: the wire formats between the review panel and the server
// (`GET|PUT /api/sessions/<id>/chat`, `POST /api/sessions/<id>/chat/post`), defined once.
// Webhook URLs travel only from the facilitator to the server; answers show them masked.
// zod/mini, like schema.ts: every page of the client loads shared/, and full zod would double it.
import { z } from 'zod/mini'

export const CHAT_CHANNELS = ['slack', 'teams'] as const
export type ChatChannel = (typeof CHAT_CHANNELS)[number]
export const CHAT_CHANNEL_LABEL: Record<ChatChannel, string> = { slack: 'Slack', teams: 'Microsoft Teams' }

/** Updates the facilitator may choose to post besides the review. */
export const CHAT_UPDATES = ['timeUp', 'taskDone'] as const
export type ChatUpdate = (typeof CHAT_UPDATES)[number]

export const CHAT_POST_KINDS = ['review', ...CHAT_UPDATES] as const
export type ChatPostKind = (typeof CHAT_POST_KINDS)[number]

/**
 * Where a post stands: `sending` (first attempt under way), `retrying` (an attempt failed, another
 * is scheduled), `posted`, `failed` (every attempt failed), `refused` (never sent: host not allowed,
 * no URL). `message` is the sentence the facilitator sees.
 */
export const CHAT_DELIVERY_STATES = ['sending', 'retrying', 'posted', 'failed', 'refused'] as const
export type ChatDeliveryState = (typeof CHAT_DELIVERY_STATES)[number]

export const chatDeliverySchema = z.object({
  key: z.string(),
  kind: z.enum(CHAT_POST_KINDS),
  channel: z.enum(CHAT_CHANNELS),
  state: z.enum(CHAT_DELIVERY_STATES),
  message: z.string(),
  attempts: z.int().check(z.nonnegative()),
  /** Messages the post was split into. */
  parts: z.int().check(z.nonnegative()),
  at: z.number(),
})
export type ChatDelivery = z.infer<typeof chatDeliverySchema>

const channelViewSchema = z.object({
  /** The URL as shown back: host, "…", last 4 characters; null when none is set. */
  target: z.nullable(z.string()),
  /** Whose URL is used: this session's, the server-wide default, or none. */
  source: z.nullable(z.enum(['session', 'server'])),
})
export type ChatChannelView = z.infer<typeof channelViewSchema>

export const chatUpdatesSchema = z.object({ timeUp: z.boolean(), taskDone: z.boolean() })
export type ChatUpdates = z.infer<typeof chatUpdatesSchema>
export const DEFAULT_CHAT_UPDATES: ChatUpdates = { timeUp: false, taskDone: false }

/** `GET /api/sessions/<id>/chat` (facilitator only). */
export const chatSettingsViewSchema = z.object({
  channels: z.object({ slack: channelViewSchema, teams: channelViewSchema }),
  updates: chatUpdatesSchema,
  /** The newest posts first. */
  deliveries: z.array(chatDeliverySchema),
})
export type ChatSettingsView = z.infer<typeof chatSettingsViewSchema>

export const MAX_WEBHOOK_URL_CHARS = 2048

/** `PUT /api/sessions/<id>/chat`: a URL sets this session's webhook, null clears it, absent keeps it. */
const webhookUrl = () => z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(MAX_WEBHOOK_URL_CHARS))))
export const chatSettingsBodySchema = z.strictObject({
  slackUrl: webhookUrl(),
  teamsUrl: webhookUrl(),
  updates: z.optional(z.partial(chatUpdatesSchema)),
})
export type ChatSettingsBody = z.infer<typeof chatSettingsBodySchema>

/** `POST /api/sessions/<id>/chat/post`: post the review to these channels (default: every configured one). */
export const chatPostBodySchema = z.strictObject({ channels: z.optional(z.array(z.enum(CHAT_CHANNELS)).check(z.minLength(1), z.maxLength(2))) })
export type ChatPostBody = z.infer<typeof chatPostBodySchema>

/** `webhook URL → "hooks.slack.com…AbC1"`: enough to recognise it, never enough to use it. */
export function maskWebhookUrl(url: string): string {
  let host = ''
  try {
    host = new URL(url).host
  } catch {
    host = 'invalid URL'
  }
  const tail = url.length > 12 ? url.slice(-4) : ''
  return `${host}…${tail}`
}
