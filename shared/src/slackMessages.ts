// Slack incoming-webhook payloads (Block Kit) for the review and the short updates. Slack takes at
// most 50 blocks per message, 3,000 characters per section text and 150 per header: a long review
// is split into several messages, and past SLACK_MAX_MESSAGES the rest is left to the session link.
import { clip, pack, reviewHeadline, taskLine, updateText, type ChatReview, type ChatUpdateMessage } from './chatReview.ts'

export const SlackLimits = {
  MAX_BLOCKS: 50,
  MAX_SECTION_CHARS: 3000,
  MAX_HEADER_CHARS: 150,
  MAX_BUTTON_URL_CHARS: 3000,
  /** Messages one review may take before the rest is left to the link. */
  MAX_MESSAGES: 5,
} as const

export type SlackText = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji?: boolean }
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'divider' }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'actions'; elements: { type: 'button'; text: { type: 'plain_text'; text: string }; url: string }[] }
export interface SlackMessage {
  /** The notification and fallback text (mrkdwn too, so escaped like the blocks). */
  text: string
  blocks: SlackBlock[]
}

/** Slack's mrkdwn treats &, < and > as control characters. */
export const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Escaped text of at most `max` characters (clipped before escaping, so no entity is cut). */
function escapedWithin(raw: string, max: number): string {
  let n = max
  for (;;) {
    const out = slackEscape(clip(raw, n))
    if (out.length <= max) return out
    n -= Math.max(1, out.length - max)
  }
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })

/** Lines joined into section texts of at most MAX_SECTION_CHARS each. */
function sections(lines: readonly string[]): string[] {
  const out: string[] = []
  let current = ''
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line
    if (next.length > SlackLimits.MAX_SECTION_CHARS && current) {
      out.push(current)
      current = line
    } else current = next
  }
  if (current) out.push(current)
  return out
}

/** A content block with the number of tasks it lists (for "n more tasks" when trimmed). */
interface Unit {
  block: SlackBlock
  tasks: number
}

const TASK_LINE_MAX = 2 * SlackLimits.MAX_SECTION_CHARS / 3

function contentUnits(r: ChatReview): Unit[] {
  const units: Unit[] = []
  if (r.problem.trim()) units.push({ block: section(`*Problem*\n${escapedWithin(r.problem.trim(), SlackLimits.MAX_SECTION_CHARS - 12)}`), tasks: 0 })
  if (r.decisions.length > 0) {
    units.push({ block: section(escapedWithin(`*Decisions*\n${r.decisions.map((d) => `• ${d}`).join('\n')}`, SlackLimits.MAX_SECTION_CHARS)), tasks: 0 })
  }
  if (units.length > 0) units.push({ block: { type: 'divider' }, tasks: 0 })
  if (r.owners.length === 0) units.push({ block: section('_No tasks were created in this session._'), tasks: 0 })
  for (const owner of r.owners) {
    const heading = `*${escapedWithin(owner.name, 80)}* · ${owner.tasks.length} task${owner.tasks.length === 1 ? '' : 's'}`
    const lines = owner.tasks.map((t) => `• ${escapedWithin(taskLine(t), TASK_LINE_MAX)}`)
    sections(lines).forEach((text, i) => {
      units.push({ block: section(i === 0 ? `${heading}\n${text}` : text), tasks: text.split('\n').length })
    })
  }
  return units
}

const headerBlock = (text: string): SlackBlock => ({ type: 'header', text: { type: 'plain_text', text: clip(text, SlackLimits.MAX_HEADER_CHARS), emoji: true } })

function footer(r: ChatReview, omittedTasks: number): SlackBlock[] {
  const blocks: SlackBlock[] = []
  const omitted = omittedTasks > 0 ? `${omittedTasks} more task${omittedTasks === 1 ? '' : 's'} not shown here` : ''
  if (r.sessionUrl && r.sessionUrl.length <= SlackLimits.MAX_BUTTON_URL_CHARS) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the session' }, url: r.sessionUrl }] })
    if (omitted) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${omitted}: open the session for the rest.` }] })
  } else if (omitted) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${omitted}.` }] })
  return blocks
}

/** The review as one or more Slack messages, each within Block Kit's limits. */
export function slackReviewMessages(r: ChatReview): SlackMessage[] {
  const headline = reviewHeadline(r)
  const FOOTER_BLOCKS = 2
  const perMessage = SlackLimits.MAX_BLOCKS - 1 - FOOTER_BLOCKS
  const groups = pack(contentUnits(r), (units) => units.length <= perMessage)
  const kept = groups.slice(0, SlackLimits.MAX_MESSAGES)
  const omitted = groups.slice(SlackLimits.MAX_MESSAGES).flat().reduce((n, u) => n + u.tasks, 0)
  return kept.map((units, i) => {
    const last = i === kept.length - 1
    const part = kept.length > 1 ? ` (${i + 1}/${kept.length})` : ''
    const title = `${clip(r.title, SlackLimits.MAX_HEADER_CHARS - 20)} — review${part}`
    return {
      text: slackEscape(`${headline}${part}`),
      blocks: [headerBlock(title), ...units.map((u) => u.block), ...(last ? footer(r, omitted) : [])],
    }
  })
}

/** A time's-up or task-done update: one short message. */
export function slackUpdateMessage(u: ChatUpdateMessage): SlackMessage {
  const text = escapedWithin(updateText(u), SlackLimits.MAX_SECTION_CHARS)
  return { text, blocks: [section(text)] }
}
