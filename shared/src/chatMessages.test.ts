import { describe, expect, it } from 'vitest'
import { chatReview, type ChatReviewInput } from './chatReview.ts'
import type { Task } from './schema.ts'
import { SlackLimits, slackEscape, slackReviewMessages, slackUpdateMessage, type SlackBlock } from './slackMessages.ts'
import { ADAPTIVE_CARD_CONTENT_TYPE, byteLength, TeamsLimits, teamsReviewMessages, teamsUpdateMessage } from './teamsMessages.ts'

const task = (i: number, over: Partial<Task> = {}): Task => ({
  id: `t${i}`,
  title: `Task number ${i}`,
  ownerId: `p${i % 3}`,
  ownerName: `Owner ${String.fromCharCode(65 + (i % 3))}`,
  ownerColor: null,
  ownerSource: 'claim',
  status: (['todo', 'doing', 'done'] as const)[i % 3] ?? 'todo',
  note: '',
  description: '',
  sourceShapeIds: [`shape:s${i}`],
  createdAt: 1_000 + i,
  ...over,
})

const input = (tasks: Task[], over: Partial<ChatReviewInput> = {}): ChatReviewInput => ({
  title: 'Planning <Q3> & more',
  problem: 'Onboarding takes too long',
  frameAnswers: { clarity: 'ambiguous', priority: 'buy-in' },
  tasks,
  taskVotes: new Map(tasks.map((t, i) => [t.id, i])),
  sessionUrl: 'https://sandbox.example/s/abc?token=view',
  ...over,
})

const sectionTexts = (blocks: SlackBlock[]): string[] => blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []))

describe('the review for Slack (Block Kit)', () => {
  it('has a header, the problem, the decisions, each owner with their tasks, and a link button', () => {
    const [message, ...rest] = slackReviewMessages(chatReview(input([task(1), task(2), task(3)])))
    expect(rest).toHaveLength(0)
    expect(message?.text).toBe('Review of “Planning &lt;Q3&gt; &amp; more”: 1 of 3 tasks done')
    const blocks = message?.blocks ?? []
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Planning <Q3> & more — review', emoji: true } })
    const texts = sectionTexts(blocks)
    expect(texts[0]).toBe('*Problem*\nOnboarding takes too long')
    expect(texts[1]).toContain('Problem: ambiguous · Priority: buy-in')
    expect(texts[1]).toContain('most votes: “Task number 3” (2)')
    expect(texts.join('\n')).toContain('*Owner B* · 1 task\n• Doing — Task number 1')
    expect(blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the session' }, url: 'https://sandbox.example/s/abc?token=view' }],
    })
  })

  it('escapes &, < and > in mrkdwn text', () => {
    expect(slackEscape('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d')
    const [message] = slackReviewMessages(chatReview(input([task(1, { title: '<@channel> & go' })])))
    expect(sectionTexts(message?.blocks ?? []).join('\n')).toContain('&lt;@channel&gt; &amp; go')
  })

  it('keeps every message within 50 blocks, 3,000 characters per section and 150 per header', () => {
    const long = Array.from({ length: 1200 }, (_, i) => task(i, { ownerId: `p${i % 150}`, ownerName: `Owner ${i % 150}`, title: `${'Long title '.repeat(40)}${i}` }))
    const messages = slackReviewMessages(chatReview(input(long, { title: 'T'.repeat(400), problem: '&'.repeat(4000) })))
    expect(messages.length).toBeGreaterThan(1)
    expect(messages.length).toBeLessThanOrEqual(SlackLimits.MAX_MESSAGES)
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(SlackLimits.MAX_BLOCKS)
      for (const b of m.blocks) {
        if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(SlackLimits.MAX_SECTION_CHARS)
        if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SlackLimits.MAX_HEADER_CHARS)
      }
    }
    expect(messages[0]?.text).toMatch(/\(1\/5\)$/)
    // What did not fit is left to the link, and says how much.
    const last = messages.at(-1)?.blocks ?? []
    expect(last.some((b) => b.type === 'context' && /^\d+ more tasks not shown here: open the session/.test(b.elements[0]?.text ?? ''))).toBe(true)
    expect(last.some((b) => b.type === 'actions')).toBe(true)
  })

  it('says so when there are no tasks, and leaves the button out without a link', () => {
    const [message] = slackReviewMessages(chatReview(input([], { sessionUrl: null, problem: '' })))
    expect(sectionTexts(message?.blocks ?? [])).toContain('_No tasks were created in this session._')
    expect(message?.blocks.some((b) => b.type === 'actions')).toBe(false)
  })

  it('posts the updates as one short section', () => {
    const m = slackUpdateMessage({ kind: 'taskDone', title: 'Plan', task: 'Write <docs>', owner: 'Owner A' })
    expect(m.text).toBe('✅ Task done in “Plan”: Write &lt;docs&gt; (Owner A)')
    expect(m.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '✅ Task done in “Plan”: Write &lt;docs&gt; (Owner A)' } }])
    expect(slackUpdateMessage({ kind: 'timeUp', title: 'Plan', phase: 'collaborate' }).text).toBe('⏰ Time\'s up in “Plan” (Collaborate).')
  })
})

describe('the review for Microsoft Teams (Adaptive Card in a Workflows message)', () => {
  it('wraps an Adaptive Card 1.4 in a message attachment, with facts per owner and an Open URL action', () => {
    const [message, ...rest] = teamsReviewMessages(chatReview(input([task(1), task(2)])))
    expect(rest).toHaveLength(0)
    expect(message?.type).toBe('message')
    expect(message?.attachments).toHaveLength(1)
    const attachment = message?.attachments[0]
    expect(attachment?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE)
    const card = attachment?.content
    expect(card).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' })
    expect(card?.body[0]).toMatchObject({ type: 'TextBlock', text: 'Planning <Q3> & more — review', size: 'Large', wrap: true })
    expect(card?.body).toContainEqual({ type: 'FactSet', facts: [{ title: 'Doing', value: 'Task number 1' }] })
    expect(card?.body).toContainEqual({ type: 'FactSet', facts: [{ title: 'Done', value: 'Task number 2 (1 vote)' }] })
    expect(card?.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the session', url: 'https://sandbox.example/s/abc?token=view' }])
  })

  it('splits a long review into cards under ~28 KB each, trimming the rest with a pointer to the session', () => {
    const long = Array.from({ length: 600 }, (_, i) => task(i, { ownerId: `p${i % 40}`, ownerName: `Owner ${i % 40}`, title: `Étape ${'très longue '.repeat(30)}${i}` }))
    const messages = teamsReviewMessages(chatReview(input(long)))
    expect(messages.length).toBe(TeamsLimits.MAX_MESSAGES)
    for (const m of messages) expect(byteLength(m)).toBeLessThanOrEqual(TeamsLimits.MAX_MESSAGE_BYTES)
    const lastBody = messages.at(-1)?.attachments[0]?.content.body ?? []
    expect(lastBody.some((e) => e.type === 'TextBlock' && /more tasks not shown here/.test(e.text))).toBe(true)
    expect(messages[0]?.attachments[0]?.content.actions).toBeUndefined()
    expect(messages.at(-1)?.attachments[0]?.content.actions).toHaveLength(1)
  })

  it('posts the updates as a one-line card', () => {
    const m = teamsUpdateMessage({ kind: 'timeUp', title: 'Plan', phase: 'converge' })
    expect(m.attachments[0]?.content.body).toEqual([{ type: 'TextBlock', text: '⏰ Time\'s up in “Plan” (Converge).', wrap: true }])
  })
})
