// Who may change what in the guarded parts of the document. The server runs these on every
// update that touches `session`, `tasks`, `votes`, `participants` or `answers` and reverts what they refuse;
// the client runs the same functions to decide which controls to show.
import { checkFacilitationChange } from './facilitation.ts'
import { checkPairingChange } from './pairing.ts'
import { canMovePhase } from './phases.ts'
import {
  DEFAULT_VOTE_LIMIT,
  parseVoteKey,
  participantSchema,
  personalAnswersSchema,
  serverSessionFieldSchemas,
  sessionFieldSchemas,
  taskSchema,
  validTasks,
  voteCountSchema,
  type Participant,
  type Phase,
  type Role,
  type Task,
} from './schema.ts'

export interface Actor {
  role: Role
  participantId: string
  /** The participant id was verified (a signed participant key); anonymous sockets have `anon:` ids. */
  identified: boolean
}

/** The JSON of the guarded top-level maps. */
export interface GuardedState {
  session: Readonly<Record<string, unknown>>
  tasks: Readonly<Record<string, unknown>>
  votes: Readonly<Record<string, unknown>>
  participants: Readonly<Record<string, unknown>>
  /** Participant id → that person's own answers to the frame questions. */
  answers: Readonly<Record<string, unknown>>
}

export const emptyGuardedState = (): GuardedState => ({ session: {}, tasks: {}, votes: {}, participants: {}, answers: {} })

export type Verdict = { ok: true } | { ok: false; reason: string }
const allow: Verdict = { ok: true }
const refuse = (reason: string): Verdict => ({ ok: false, reason })

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b)

/** Keys whose values differ between two maps. */
export function changedKeys(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((k) => !same(before[k], after[k]))
}


/**
 * The ids of the people whose votes count and who can own tasks. A `Set` of ids fits, and so does
 * `participantIdsIn(participants)`; anyone else (an anonymous `anon:` socket, a made-up id) is no one.
 */
export interface ParticipantIds {
  has(participantId: string): boolean
}

/**
 * The server's record of `participantId` in this session, if they joined with a role that can
 * vote and own work. Records are only ever written by the server (`POST …/participants`);
 * viewers are not participants, and records with the viewer role (left by older versions) count
 * for nothing.
 */
export function participantRecord(participants: Readonly<Record<string, unknown>>, participantId: string): Participant | null {
  if (!Object.hasOwn(participants, participantId)) return null
  const parsed = participantSchema.safeParse(participants[participantId])
  if (!parsed.success || parsed.data.id !== participantId || parsed.data.role === 'viewer') return null
  return parsed.data
}

/** The participants of the guarded `participants` map, as `ParticipantIds`; records are read when asked. */
export const participantIdsIn = (participants: Readonly<Record<string, unknown>>): ParticipantIds => ({
  has: (participantId) => participantRecord(participants, participantId) !== null,
})

export const canWriteBoard = (role: Role): boolean => role !== 'viewer'
export const canFacilitate = (role: Role): boolean => role === 'facilitator'

/** Whether `actor` may turn `before` into `after`. Unchanged parts are never judged. */
export function authorizeChange(actor: Actor, before: GuardedState, after: GuardedState): Verdict {
  if (actor.role === 'viewer') return refuse('A viewer cannot change the session.')
  if (changedKeys(before.participants, after.participants).length > 0) {
    return refuse('Only the server records who is in the session.')
  }
  const checks = [
    checkSession(actor, before, after),
    checkTasks(actor, before, after),
    checkVotes(actor, before, after),
    checkAnswers(actor, before, after),
  ]
  return checks.find((v) => !v.ok) ?? allow
}

function checkSession(actor: Actor, before: GuardedState, after: GuardedState): Verdict {
  const keys = changedKeys(before.session, after.session)
  if (keys.length === 0) return allow
  const serverOnly = keys.filter((k) => Object.hasOwn(serverSessionFieldSchemas, k))
  if (serverOnly.length > 0) return refuse(`Only the server writes ${serverOnly.join(', ')}.`)
  if (actor.role !== 'facilitator') return refuse(`Only the facilitator can change ${keys.join(', ')}.`)
  for (const key of keys) {
    const schema = sessionFieldSchemas[key as keyof typeof sessionFieldSchemas]
    if (!schema) return refuse(`Unknown session field “${key}”.`)
    if (!(key in after.session)) return refuse(`Session field “${key}” cannot be removed.`)
    if (!schema.safeParse(after.session[key]).success) return refuse(`Invalid value for session field “${key}”.`)
  }
  const facilitation = checkFacilitationChange(before.session, after.session, keys, after.votes)
  if (!facilitation.ok) return facilitation
  const pairing = checkPairingChange(after.session, keys, after.tasks, participantIdsIn(after.participants))
  if (!pairing.ok) return pairing
  if (keys.includes('phase') && typeof before.session.phase === 'string') {
    const move = canMovePhase(
      before.session.phase as Phase,
      after.session.phase as Phase,
      validTasks(Object.values(after.tasks)),
      participantIdsIn(after.participants),
    )
    if (!move.ok) return refuse(move.reason)
  }
  return allow
}

const TASK_FIELDS_AN_OWNER_EDITS = new Set(['status', 'note', 'updatedAt'])
const TASK_FIELDS_A_CLAIM_SETS = new Set(['ownerId', 'ownerName', 'ownerColor', 'ownerSource', 'updatedAt'])

function checkTasks(actor: Actor, before: GuardedState, after: GuardedState): Verdict {
  for (const key of changedKeys(before.tasks, after.tasks)) {
    const next = after.tasks[key]
    if (next === undefined) {
      if (actor.role !== 'facilitator') return refuse('Only the facilitator can remove a task.')
      continue
    }
    const parsed = taskSchema.safeParse(next)
    if (!parsed.success || parsed.data.id !== key) return refuse('A task must have an id, a title, a status and its source stickies.')
    // An anonymous socket (a link opened without joining) has a throwaway id: a task it claimed
    // would satisfy the split gate and then belong to nobody who can ever update it.
    if (actor.role !== 'facilitator' && !actor.identified) {
      return refuse('Join the session with your name to claim or update tasks; this connection has not joined.')
    }
    const prevParsed = before.tasks[key] === undefined ? null : taskSchema.safeParse(before.tasks[key])
    const prev = prevParsed?.success ? prevParsed.data : null
    const owner = checkOwner(after.participants, prev, parsed.data)
    if (!owner.ok) return owner
    if (actor.role === 'facilitator') continue
    if (!prev) return refuse('Only the facilitator can create tasks.')
    const verdict = checkParticipantTaskEdit(actor.participantId, prev, parsed.data)
    if (!verdict.ok) return verdict
  }
  return allow
}

/**
 * Owner names and colours are shown in the review and the exports as who owns the work, so they
 * are the server's participant record, never what a client typed — for the facilitator's
 * assignments too. Judged only when the owner fields change: a later rename of the participant
 * does not stop them from updating a task they already own.
 */
function checkOwner(participants: GuardedState['participants'], prev: Task | null, next: Task): Verdict {
  if (prev && prev.ownerId === next.ownerId && prev.ownerName === next.ownerName && prev.ownerColor === next.ownerColor) return allow
  if (next.ownerId === null) {
    return next.ownerName === null && next.ownerColor === null ? allow : refuse('A task without an owner has no owner name or colour.')
  }
  const person = participantRecord(participants, next.ownerId)
  if (!person) return refuse('A task can only be owned by someone who has joined this session as a participant.')
  if (next.ownerName !== person.name || next.ownerColor !== person.color) {
    return refuse(`The owner’s name and colour come from the session’s record of ${person.name}; reload the page and try again.`)
  }
  return allow
}

function checkParticipantTaskEdit(participantId: string, prev: Task, next: Task): Verdict {
  const changed = changedKeys(prev, next)
  if (prev.ownerId === null && next.ownerId === participantId) {
    if (changed.every((k) => TASK_FIELDS_A_CLAIM_SETS.has(k))) return allow
    return refuse('Claiming a task takes it as it is.')
  }
  if (prev.ownerId !== participantId) return refuse('You can only change tasks you own, or claim one that has no owner.')
  if (next.ownerId === null) {
    return changed.every((k) => TASK_FIELDS_A_CLAIM_SETS.has(k)) ? allow : refuse('Giving a task back leaves it as it is.')
  }
  if (next.ownerId !== participantId) return refuse('Only the facilitator can hand a task to someone else.')
  if (changed.every((k) => TASK_FIELDS_AN_OWNER_EDITS.has(k))) return allow
  return refuse('The owner of a task can change its status and note.')
}

function checkVotes(actor: Actor, before: GuardedState, after: GuardedState): Verdict {
  const keys = changedKeys(before.votes, after.votes)
  if (keys.length === 0) return allow
  const phase = after.session.phase
  let ownChanged = false
  for (const key of keys) {
    const parsed = parseVoteKey(key)
    if (!parsed) return refuse('A vote must name a participant and a sticky.')
    const next = after.votes[key]
    if (next !== undefined && !voteCountSchema.safeParse(next).success) return refuse('A vote count must be a whole number from 1.')
    if (parsed.participantId !== actor.participantId) {
      // The facilitator may clear other people's dots (a fresh round), never add to them.
      if (actor.role === 'facilitator' && next === undefined) continue
      return refuse('You can only cast or take back your own votes.')
    }
    // A socket without a participant key gets a new `anon:` id on every reconnect: five
    // reconnects would be five sets of dots.
    if (!actor.identified) return refuse('Join the session with your name to vote; this connection has not joined.')
    if (!participantRecord(after.participants, actor.participantId)) return refuse('Only people who joined this session as participants can vote.')
    ownChanged = true
  }
  if (!ownChanged) return allow
  if (phase !== 'converge') return refuse('Voting is open in the converge phase.')
  if (after.session.hideVotes === true) return refuse('Votes are hidden until the reveal: they go to the server, not onto the shared board.')
  const limitValue = after.session.voteLimit
  const limit = typeof limitValue === 'number' ? limitValue : DEFAULT_VOTE_LIMIT
  let used = 0
  for (const [key, count] of Object.entries(after.votes)) {
    if (parseVoteKey(key)?.participantId === actor.participantId && typeof count === 'number') used += count
  }
  if (used > limit) return refuse(`Each person has ${limit} votes; this would use ${used}.`)
  return allow
}

/**
 * Each person answers the frame questions for themselves, in the frame phase: the facilitator sees
 * how the group answered and decides (`session.frameAnswers`). Only people the server knows as
 * participants answer, so an anonymous socket cannot stuff the count.
 */
export function checkAnswers(actor: Actor, before: GuardedState, after: GuardedState): Verdict {
  const keys = changedKeys(before.answers, after.answers)
  if (keys.length === 0) return allow
  for (const key of keys) {
    if (key !== actor.participantId) return refuse('You can only answer the frame questions for yourself.')
    const next = after.answers[key]
    if (next !== undefined && !personalAnswersSchema.safeParse(next).success) {
      return refuse('An answer to the frame questions must be one of the offered options.')
    }
  }
  if (!actor.identified) return refuse('Join the session with your name to answer the frame questions; this connection has not joined.')
  if (!participantRecord(after.participants, actor.participantId)) return refuse('Only people who joined this session as participants answer the frame questions.')
  if (after.session.phase !== 'frame') return refuse('The frame questions are answered in the frame phase.')
  return allow
}
