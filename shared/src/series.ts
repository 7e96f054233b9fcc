// Series of sessions: "Start a follow-up" in the review creates a session linked to this one, whose
// warm-up shows the previous session's tasks (live) and carries the unfinished ones over. The HTTP
// shapes are defined once here, for the server that answers and the client that reads:
//   POST /api/sessions/<id>/follow-up      (facilitator)  followUpRequest → followUpResponse
//   GET  /api/sessions/<id>/series         (any role)     → seriesResponse
//   GET  /api/sessions/<id>/previous-tasks (any role)     → previousTasksResponse
//   POST /api/sessions/<id>/carry-over     (facilitator)  carryOverRequest → carryOverResponse
// zod/mini, like schema.ts: the client's pages load these shapes, and full zod would double them.
import { z } from 'zod/mini'
import { TASK_STATUSES } from './schema.ts'

const id = z.string().check(z.minLength(1), z.maxLength(128))

export const followUpRequestSchema = z.object({ title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))) })
export type FollowUpRequest = z.infer<typeof followUpRequestSchema>

/** Like `POST /api/sessions`'s answer, plus where the new session sits in its series. */
export const followUpResponseSchema = z.object({
  id,
  title: z.string(),
  joinUrl: z.string(),
  facilitatorUrl: z.string(),
  viewUrl: z.string(),
  tokens: z.object({ participant: z.string(), facilitator: z.string(), viewer: z.string() }),
  seriesId: id,
  previousId: id,
  position: z.int().check(z.positive()),
  /** True when this session already had its follow-up: the same session and links come back. */
  existing: z.boolean(),
})
export type FollowUpResponse = z.infer<typeof followUpResponseSchema>

export const seriesSessionSchema = z.object({
  id,
  title: z.string(),
  createdAt: z.number(),
  /** 1 for the first session of the series. */
  position: z.int().check(z.positive()),
})
export type SeriesSession = z.infer<typeof seriesSessionSchema>

export const seriesResponseSchema = z.object({
  /** The first session's id; null for a session that is in no series yet. */
  seriesId: z.nullable(id),
  position: z.int().check(z.positive()),
  /** Every session of the series, first to last (just this one when it is in none). */
  sessions: z.array(seriesSessionSchema),
  previousId: z.nullable(id),
  followUpId: z.nullable(id),
  /** Participant ids that were paired in an earlier session of the series: pairing avoids them. */
  metPairs: z.array(z.tuple([id, id])),
})
export type SeriesResponse = z.infer<typeof seriesResponseSchema>

/** A task of the previous session, as its warm-up shows it. */
export const previousTaskSchema = z.object({
  id,
  title: z.string(),
  ownerId: z.nullable(id),
  ownerName: z.nullable(z.string()),
  ownerColor: z.nullable(z.string()),
  status: z.enum(TASK_STATUSES),
})
export type PreviousTask = z.infer<typeof previousTaskSchema>

export const previousTasksResponseSchema = z.object({
  /** The previous session, or null for the first session of a series (or one in none). */
  previous: z.nullable(z.object({ id, title: z.string() })),
  tasks: z.array(previousTaskSchema),
})
export type PreviousTasksResponse = z.infer<typeof previousTasksResponseSchema>

/** Which unfinished tasks to carry over; all of them when `taskIds` is left out. */
export const carryOverRequestSchema = z.object({ taskIds: z.optional(z.array(id).check(z.maxLength(1000))) })
export type CarryOverRequest = z.infer<typeof carryOverRequestSchema>

export const carryOverResponseSchema = z.object({
  /** Ids of the tasks written into this session now (a carried task keeps its id). */
  carried: z.array(id),
  /** Asked-for tasks left alone: done, unknown, or already carried. */
  skipped: z.int().check(z.nonnegative()),
})
export type CarryOverResponse = z.infer<typeof carryOverResponseSchema>

/** Unfinished: carried over to the follow-up. */
export const isUnfinished = (task: { status: string }): boolean => task.status !== 'done'

/** The title a follow-up gets when none is given: the series' title and its position ("Retro (2)"). */
export function followUpTitle(previousTitle: string, position: number): string {
  const base = previousTitle.replace(/\s*\(\d+\)\s*$/, '').trim() || 'Untitled session'
  return `${base} (${position})`.slice(0, 200)
}
