// What the exports, the chat posts and the balance read from a session's document, read once here
// so the server's routes and the client agree: the problem, the frame answers, the tasks and the
// dots their stickies received (as everyone may see them).
import type * as Y from 'yjs'
import { visibleTally } from './facilitation.ts'
import { participantIdsIn } from './permissions.ts'
import { frameAnswersSchema, Root, validParticipants, validTasks, type FrameAnswers, type Participant, type Task } from './schema.ts'
import { taskVotes, type ExportContext } from './exportTasks.ts'
import type { VoteMap } from './votes.ts'

export interface SessionSummary extends ExportContext {
  title: string
  frameAnswers: FrameAnswers
  tasks: Task[]
  participants: Participant[]
  votes: VoteMap
  session: Record<string, unknown>
}

export function readSessionSummary(doc: Y.Doc, fallbackTitle = ''): SessionSummary {
  const session = doc.getMap(Root.session).toJSON() as Record<string, unknown>
  const votes = doc.getMap(Root.votes).toJSON() as VoteMap
  const participantsJSON = doc.getMap(Root.participants).toJSON() as Record<string, unknown>
  const tasks = validTasks(doc.getMap(Root.tasks).values())
  const frame = frameAnswersSchema.safeParse(session.frameAnswers)
  return {
    title: typeof session.title === 'string' && session.title ? session.title : fallbackTitle,
    problem: typeof session.problem === 'string' ? session.problem : '',
    frameAnswers: frame.success ? frame.data : {},
    tasks,
    participants: validParticipants(Object.values(participantsJSON)),
    votes,
    session,
    taskVotes: taskVotes(tasks, visibleTally(session, votes, participantIdsIn(participantsJSON))),
  }
}
