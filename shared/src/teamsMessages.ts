// Microsoft Teams payloads: a Workflows webhook ("When a Teams webhook request is received") takes
// `{ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive",
// content: <Adaptive Card> }] }`, about 28 KB at most. A long review is split into several cards;
// past TEAMS_MAX_MESSAGES the rest is left to the session link.
import { clip, pack, reviewHeadline, STATUS_WORD, updateText, type ChatReview, type ChatUpdateMessage } from './chatReview.ts'

export const TeamsLimits = {
  /** Teams refuses messages of about 28 KB; stay under it with room for the envelope. */
  MAX_MESSAGE_BYTES: 27 * 1024,
  MAX_MESSAGES: 5,
  /** Facts per FactSet, and characters per fact, so one unit is always far below the limit. */
  FACTS_PER_SET: 10,
  MAX_FACT_CHARS: 500,
} as const

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive'
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json'

export type CardElement =
  | { type: 'TextBlock'; text: string; wrap: true; size?: 'Large' | 'Medium' | 'Small'; weight?: 'Bolder'; isSubtle?: boolean; spacing?: 'Medium' }
  | { type: 'FactSet'; facts: { title: string; value: string }[] }
export interface AdaptiveCard {
  $schema: typeof ADAPTIVE_CARD_SCHEMA
  type: 'AdaptiveCard'
  version: '1.4'
  body: CardElement[]
  actions?: { type: 'Action.OpenUrl'; title: string; url: string }[]
}
export interface TeamsMessage {
  type: 'message'
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[]
}

export const byteLength = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length

const text = (t: string, style: Partial<Extract<CardElement, { type: 'TextBlock' }>> = {}): CardElement => ({ type: 'TextBlock', text: t, wrap: true, ...style })

function card(body: CardElement[], url: string | null): TeamsMessage {
  const content: AdaptiveCard = { $schema: ADAPTIVE_CARD_SCHEMA, type: 'AdaptiveCard', version: '1.4', body }
  if (url) content.actions = [{ type: 'Action.OpenUrl', title: 'Open the session', url }]
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }] }
}

interface Unit {
  elements: CardElement[]
  tasks: number
}

function contentUnits(r: ChatReview): Unit[] {
  const units: Unit[] = []
  if (r.problem.trim()) units.push({ elements: [text('Problem', { weight: 'Bolder' }), text(clip(r.problem.trim(), 4000))], tasks: 0 })
  if (r.decisions.length > 0) units.push({ elements: [text('Decisions', { weight: 'Bolder' }), ...r.decisions.map((d) => text(`• ${clip(d, 1000)}`))], tasks: 0 })
  if (r.owners.length === 0) units.push({ elements: [text('No tasks were created in this session.', { isSubtle: true })], tasks: 0 })
  for (const owner of r.owners) {
    for (let i = 0; i < owner.tasks.length; i += TeamsLimits.FACTS_PER_SET) {
      const chunk = owner.tasks.slice(i, i + TeamsLimits.FACTS_PER_SET)
      const facts = chunk.map((t) => ({
        title: STATUS_WORD[t.status],
        value: clip(`${t.title}${t.votes ? ` (${t.votes} vote${t.votes === 1 ? '' : 's'})` : ''}`, TeamsLimits.MAX_FACT_CHARS),
      }))
      const heading = i === 0 ? [text(`${clip(owner.name, 80)} · ${owner.tasks.length} task${owner.tasks.length === 1 ? '' : 's'}`, { weight: 'Bolder', spacing: 'Medium' })] : []
      units.push({ elements: [...heading, { type: 'FactSet', facts }], tasks: chunk.length })
    }
  }
  return units
}

function reviewCard(r: ChatReview, units: readonly Unit[], part: string, omitted: number, last: boolean): TeamsMessage {
  const body: CardElement[] = [text(`${clip(r.title, 200)} — review${part}`, { size: 'Large', weight: 'Bolder' }), text(reviewHeadline(r), { isSubtle: true })]
  for (const u of units) body.push(...u.elements)
  if (last && omitted > 0) body.push(text(`${omitted} more task${omitted === 1 ? '' : 's'} not shown here: open the session for the rest.`, { isSubtle: true }))
  return card(body, last ? r.sessionUrl : null)
}

/** The review as one or more Adaptive Card messages, each under MAX_MESSAGE_BYTES. */
export function teamsReviewMessages(r: ChatReview): TeamsMessage[] {
  // Measured with the longest part label and the "more tasks" line, so the real card is no larger.
  const fits = (units: readonly Unit[]) => byteLength(reviewCard(r, units, ' (99/99)', 99_999, true)) <= TeamsLimits.MAX_MESSAGE_BYTES
  const groups = pack(contentUnits(r), fits)
  const kept = groups.slice(0, TeamsLimits.MAX_MESSAGES)
  const omitted = groups.slice(TeamsLimits.MAX_MESSAGES).flat().reduce((n, u) => n + u.tasks, 0)
  return kept.map((units, i) => reviewCard(r, units, kept.length > 1 ? ` (${i + 1}/${kept.length})` : '', omitted, i === kept.length - 1))
}

export const teamsUpdateMessage = (u: ChatUpdateMessage): TeamsMessage => card([text(updateText(u))], null)
