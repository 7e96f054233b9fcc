// The replay's timeline feed (`GET /api/sessions/<id>/timeline`), defined once: the server builds
// these events from the log, the client reads them through the same schema.
// zod/mini: the replay page loads this module (see schema.ts).
import { z } from 'zod/mini'
import { PHASES, TASK_STATUSES } from './schema.ts'

const base = { at: z.number(), seq: z.number() }

export const timelineEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('phase'), ...base, phase: z.enum(PHASES), from: z.nullable(z.enum(PHASES)) }),
  z.object({ type: z.literal('join'), ...base, participantId: z.string(), name: z.string(), color: z.string() }),
  z.object({ type: z.literal('task'), ...base, taskId: z.string(), title: z.string(), sourceShapeIds: z.array(z.string()) }),
  z.object({ type: z.literal('owner'), ...base, taskId: z.string(), title: z.string(), ownerId: z.string(), ownerName: z.string(), via: z.nullable(z.string()) }),
  z.object({ type: z.literal('vote'), ...base, participantId: z.string(), shapeId: z.string(), delta: z.number() }),
  /** The facilitator revealed private stickies or hidden votes: before it, the replay shows none of them. */
  z.object({ type: z.literal('reveal'), ...base, what: z.enum(['stickies', 'votes']) }),
  /** A task's status changed (or it was created already under way); `ownerId` is its owner then. */
  z.object({ type: z.literal('status'), ...base, taskId: z.string(), ownerId: z.nullable(z.string()), status: z.enum(TASK_STATUSES), from: z.nullable(z.enum(TASK_STATUSES)) }),
  /** A sticky appeared on the shared board; `participantId` wrote the update (null: the server, e.g. a reveal). */
  z.object({ type: z.literal('sticky'), ...base, shapeId: z.string(), participantId: z.nullable(z.string()) }),
])
export type TimelineEvent = z.infer<typeof timelineEventSchema>

/**
 * `GET /api/sessions/<id>/timeline`: the server writes it (server/src/http/replayRoutes.ts), the
 * replay page reads it. Events of a type the reader does not know (a newer server) are dropped,
 * not refused.
 */
export const timelineResponseSchema = z.object({
  title: z.string(),
  start: z.number(),
  end: z.number(),
  updates: z.number(),
  events: z.pipe(
    z.array(z.union([timelineEventSchema, z.pipe(z.object({ type: z.string(), at: z.number() }), z.transform(() => null))])),
    z.transform((events) => events.filter((e): e is TimelineEvent => e !== null)),
  ),
  gaps: z._default(z.array(z.object({ from: z.number(), to: z.number() })), []),
})
export type TimelineResponse = z.output<typeof timelineResponseSchema>
