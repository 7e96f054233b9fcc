// The Yjs document layout of a session, defined once for the client, the server and the tests.
// See shared/README.md for the why behind each choice.
import { z } from 'zod'

/** Names of the top-level shared types. `session` and `tasks` are external contracts. */
export const Root = {
  /** Y.Map: session settings and template state (phase, timer, frame answers, vote limit). */
  session: 'session',
  /** Y.Map: task id → Task (a plain JSON value, replaced whole on every edit). */
  tasks: 'tasks',
  /** Y.Map: `${participantId}|${shapeId}` → number of dots that participant put on that sticky. */
  votes: 'votes',
  /** Y.Map: participant id → Participant. Written by the server only. */
  participants: 'participants',
  /** Y.Map: participant id → FrameAnswers, each person's own answers to the frame questions. */
  answers: 'answers',
  /** Y.Map: tldraw record id → Y.Map(field → JSON value). One entry per record field. */
  records: 'tldraw',
  /** Y.Map: `schema` → tldraw's serialized store schema, for migrations on load. */
  meta: 'meta',
} as const
export type RootName = (typeof Root)[keyof typeof Root]
export const ROOT_NAMES: readonly string[] = Object.values(Root)

export const PHASES = ['warmup', 'frame', 'collaborate', 'converge', 'split', 'execute', 'review'] as const
export type Phase = (typeof PHASES)[number]
export const phaseSchema = z.enum(PHASES)

export const TASK_STATUSES = ['todo', 'doing', 'done'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

import { ROLES } from './roles.ts'
import { pairingSchema, reviewBuddiesSchema } from './pairing.ts'
export { ROLES, type Role } from './roles.ts'

/** How a task got its owner; shown in the review and kept for the replay. */
export const OWNER_SOURCES = ['claim', 'assign', 'balance'] as const
export type OwnerSource = (typeof OWNER_SOURCES)[number]

const id = z.string().min(1).max(128)
const name = z.string().max(80)
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/)

export const taskSchema = z.object({
  id,
  title: z.string().max(2000),
  ownerId: id.nullable(),
  ownerName: name.nullable(),
  ownerColor: color.nullable().default(null),
  ownerSource: z.enum(OWNER_SOURCES).nullable().default(null),
  status: z.enum(TASK_STATUSES),
  note: z.string().max(4000).default(''),
  /** What the sticky said beyond its first line (a group's task: its stickies, one per line). */
  description: z.string().max(20000).default(''),
  sourceShapeIds: z.array(z.string().max(128)).max(100),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative().optional(),
  /** Carried over from the previous session of a series (that session's id); series.ts. */
  carriedFrom: z.string().max(128).optional(),
})
export type Task = z.infer<typeof taskSchema>

export const participantSchema = z.object({
  id,
  name,
  color,
  role: z.enum(ROLES),
  joinedAt: z.number().int().nonnegative(),
})
export type Participant = z.infer<typeof participantSchema>

function parseEach<T>(schema: z.ZodType<T>, values: Iterable<unknown>): T[] {
  const out: T[] = []
  for (const value of values) {
    const parsed = schema.safeParse(value)
    if (parsed.success) out.push(parsed.data)
  }
  return out
}

/** The values that are valid tasks; anything else in the map (a hand-crafted write) is skipped. */
export const validTasks = (values: Iterable<unknown>): Task[] => parseEach(taskSchema, values)
export const validParticipants = (values: Iterable<unknown>): Participant[] => parseEach(participantSchema, values)

/** The article's three questions, answered one click each in the frame phase. */
export const frameAnswersSchema = z.object({
  clarity: z.enum(['clear', 'ambiguous']).optional(),
  priority: z.enum(['speed', 'buy-in']).optional(),
  dependence: z.enum(['independent', 'interdependent']).optional(),
})
export type FrameAnswers = z.infer<typeof frameAnswersSchema>
/** One person's entry in `Y.Map('answers')`: the same three answers, and nothing else. */
export const personalAnswersSchema = frameAnswersSchema.strict()

/** "Bring everyone here": the facilitator's viewport (page coordinates) at `at`, which every client fits once. */
export const summonSchema = z.object({
  at: z.number().int().nonnegative(),
  x: z.number().finite().min(-1e9).max(1e9),
  y: z.number().finite().min(-1e9).max(1e9),
  w: z.number().finite().positive().max(1e9),
  h: z.number().finite().positive().max(1e9),
  by: id,
})
export type Summon = z.infer<typeof summonSchema>

/** A countdown kept in server time (epoch ms) so every client shows the same seconds. */
export const timerSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle'), durationMs: z.number().int().min(0).max(86_400_000) }),
  z.object({ state: z.literal('running'), endsAt: z.number().int().nonnegative(), durationMs: z.number().int().min(0).max(86_400_000) }),
  z.object({ state: z.literal('paused'), remainingMs: z.number().int().min(0).max(86_400_000), durationMs: z.number().int().min(0).max(86_400_000) }),
])
export type Timer = z.infer<typeof timerSchema>

export const MAX_VOTE_LIMIT = 20
export const DEFAULT_VOTE_LIMIT = 3

/** Every key of `Y.Map('session')` with the schema its value must satisfy. */
export const sessionFieldSchemas = {
  title: z.string().max(200),
  createdAt: z.number().int().nonnegative(),
  phase: phaseSchema,
  phaseChangedAt: z.number().int().nonnegative(),
  warmupIndex: z.number().int().min(0).max(10_000),
  problem: z.string().max(4000),
  frameAnswers: frameAnswersSchema,
  voteLimit: z.number().int().min(1).max(MAX_VOTE_LIMIT),
  timer: timerSchema,
  /** Balancing seed, so auto-balance is deterministic and replayable. */
  seed: z.number().int().nonnegative(),
  /** Collaborate: each person's new stickies are seen only by their author until the reveal. */
  privateWriting: z.boolean(),
  /** Set with the reveal: the revealed stickies carry no author label. */
  anonymousReveal: z.boolean(),
  /** Converge: ballots stay on the server until "Reveal votes" (on by default for new sessions). */
  hideVotes: z.boolean(),
  /** The facilitator revealed the hidden votes: the server wrote their totals into `voteTotals`. */
  votesRevealed: z.boolean(),
  /** The last "Bring everyone here", or null before the first. */
  summon: summonSchema.nullable(),
  /** Warm-up: the last "Pair people up" (pairs, one trio, each with a question), or null (pairing.ts). */
  pairing: pairingSchema,
  /** Review: task id → the participant who reviews it, never its owner (pairing.ts). */
  reviewBuddies: reviewBuddiesSchema,
} as const

const countsByKey = z.record(z.string().max(128), z.number().int().min(0).max(1_000_000))

/**
 * Keys of `Y.Map('session')` that only the server writes: what may be said about private stickies
 * and hidden ballots without giving them away (how many each person wrote or cast), the totals
 * after a reveal, and when each reveal happened (the replay's markers).
 */
export const serverSessionFieldSchemas = {
  /** Participant id → private stickies written and not yet revealed. */
  ideaCounts: countsByKey,
  /** Participant id → hidden dots cast. */
  ballotsUsed: countsByKey,
  /** Sticky or frame id → dots, written at the reveal of hidden votes. */
  voteTotals: countsByKey,
  stickiesRevealedAt: z.number().int().nonnegative(),
  votesRevealedAt: z.number().int().nonnegative(),
} as const
export type ServerSessionFields = { [K in keyof typeof serverSessionFieldSchemas]: z.infer<(typeof serverSessionFieldSchemas)[K]> }
export type SessionFields = { [K in keyof typeof sessionFieldSchemas]: z.infer<(typeof sessionFieldSchemas)[K]> }
export type SessionKey = keyof SessionFields

export const voteKey = (participantId: string, shapeId: string): string => `${participantId}|${shapeId}`
export function parseVoteKey(key: string): { participantId: string; shapeId: string } | null {
  const bar = key.indexOf('|')
  if (bar <= 0 || bar === key.length - 1) return null
  return { participantId: key.slice(0, bar), shapeId: key.slice(bar + 1) }
}
export const voteCountSchema = z.number().int().min(1).max(MAX_VOTE_LIMIT)
