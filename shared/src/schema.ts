// The Yjs document layout of a session, defined once for the client, the server and the tests.
// See shared/README.md for the why behind each choice.
// zod/mini, not zod: the client's my-tasks page loads these schemas, and the full zod API would
// add ~40 kB gzip to it. The checks are the same ones (zod's core), so the server, which loads
// full zod anyway (and with it zod's English messages), judges exactly as before.
import { z } from 'zod/mini'

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

const id = z.string().check(z.minLength(1), z.maxLength(128))
const name = z.string().check(z.maxLength(80))
const color = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/))
/** `z.number().int()` in full zod: a safe integer. */
const nonnegativeInt = () => z.int().check(z.nonnegative())
const intBetween = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max))

export const taskSchema = z.object({
  id,
  title: z.string().check(z.maxLength(2000)),
  ownerId: z.nullable(id),
  ownerName: z.nullable(name),
  ownerColor: z._default(z.nullable(color), null),
  ownerSource: z._default(z.nullable(z.enum(OWNER_SOURCES)), null),
  status: z.enum(TASK_STATUSES),
  note: z._default(z.string().check(z.maxLength(4000)), ''),
  /** What the sticky said beyond its first line (a group's task: its stickies, one per line). */
  description: z._default(z.string().check(z.maxLength(20000)), ''),
  sourceShapeIds: z.array(z.string().check(z.maxLength(128))).check(z.maxLength(100)),
  createdAt: nonnegativeInt(),
  updatedAt: z.optional(nonnegativeInt()),
  /** Carried over from the previous session of a series (that session's id); series.ts. */
  carriedFrom: z.optional(z.string().check(z.maxLength(128))),
})
export type Task = z.infer<typeof taskSchema>

export const participantSchema = z.object({
  id,
  name,
  color,
  role: z.enum(ROLES),
  joinedAt: nonnegativeInt(),
})
export type Participant = z.infer<typeof participantSchema>

function parseEach<T>(schema: z.ZodMiniType<T>, values: Iterable<unknown>): T[] {
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
const frameAnswersShape = {
  clarity: z.optional(z.enum(['clear', 'ambiguous'])),
  priority: z.optional(z.enum(['speed', 'buy-in'])),
  dependence: z.optional(z.enum(['independent', 'interdependent'])),
}
export const frameAnswersSchema = z.object(frameAnswersShape)
export type FrameAnswers = z.infer<typeof frameAnswersSchema>
/** One person's entry in `Y.Map('answers')`: the same three answers, and nothing else. */
export const personalAnswersSchema = z.strictObject(frameAnswersShape)

/** "Bring everyone here": the facilitator's viewport (page coordinates) at `at`, which every client fits once. */
export const summonSchema = z.object({
  at: nonnegativeInt(),
  // z.number() refuses Infinity and NaN (full zod's `.finite()` adds nothing).
  x: z.number().check(z.gte(-1e9), z.lte(1e9)),
  y: z.number().check(z.gte(-1e9), z.lte(1e9)),
  w: z.number().check(z.positive(), z.lte(1e9)),
  h: z.number().check(z.positive(), z.lte(1e9)),
  by: id,
})
export type Summon = z.infer<typeof summonSchema>

/** A countdown kept in server time (epoch ms) so every client shows the same seconds. */
export const timerSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle'), durationMs: intBetween(0, 86_400_000) }),
  z.object({ state: z.literal('running'), endsAt: nonnegativeInt(), durationMs: intBetween(0, 86_400_000) }),
  z.object({ state: z.literal('paused'), remainingMs: intBetween(0, 86_400_000), durationMs: intBetween(0, 86_400_000) }),
])
export type Timer = z.infer<typeof timerSchema>

export const MAX_VOTE_LIMIT = 20
export const DEFAULT_VOTE_LIMIT = 3

/** Every key of `Y.Map('session')` with the schema its value must satisfy. */
export const sessionFieldSchemas = {
  title: z.string().check(z.maxLength(200)),
  createdAt: nonnegativeInt(),
  phase: phaseSchema,
  phaseChangedAt: nonnegativeInt(),
  warmupIndex: intBetween(0, 10_000),
  problem: z.string().check(z.maxLength(4000)),
  frameAnswers: frameAnswersSchema,
  voteLimit: intBetween(1, MAX_VOTE_LIMIT),
  timer: timerSchema,
  /** Balancing seed, so auto-balance is deterministic and replayable. */
  seed: nonnegativeInt(),
  /** Collaborate: each person's new stickies are seen only by their author until the reveal. */
  privateWriting: z.boolean(),
  /** Set with the reveal: the revealed stickies carry no author label. */
  anonymousReveal: z.boolean(),
  /** Converge: ballots stay on the server until "Reveal votes" (on by default for new sessions). */
  hideVotes: z.boolean(),
  /** The facilitator revealed the hidden votes: the server wrote their totals into `voteTotals`. */
  votesRevealed: z.boolean(),
  /** The last "Bring everyone here", or null before the first. */
  summon: z.nullable(summonSchema),
  /** Warm-up: the last "Pair people up" (pairs, one trio, each with a question), or null (pairing.ts). */
  pairing: pairingSchema,
  /** Review: task id → the participant who reviews it, never its owner (pairing.ts). */
  reviewBuddies: reviewBuddiesSchema,
} as const

const countsByKey = z.record(z.string().check(z.maxLength(128)), intBetween(0, 1_000_000))

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
  stickiesRevealedAt: nonnegativeInt(),
  votesRevealedAt: nonnegativeInt(),
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
export const voteCountSchema = intBetween(1, MAX_VOTE_LIMIT)
