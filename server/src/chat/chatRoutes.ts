// Chat routes, for the facilitator only: what is set up (webhooks masked) and the latest posts,
// saving the session's webhooks and chosen updates, and posting the review.
import type { FastifyInstance } from 'fastify'
import { chatPostBodySchema, chatReview, chatSettingsBodySchema, readSessionSummary } from '@sandbox/shared'
import { derivableTokens } from '../auth/tokens.ts'
import type { AppDeps } from '../http/app.ts'
import { HttpError } from '../http/errors.ts'
import { authorize, bearerToken, boardLink, parse } from '../http/sessionRoutes.ts'
import type { ChatPoster } from './ChatPoster.ts'

const ONLY_FACILITATOR = 'Only the facilitator can set up and post to the team’s chat.'

export const chatRoutes =
  (poster: ChatPoster) =>
  (app: FastifyInstance, deps: AppDeps): void => {
    const facilitator = async (req: Parameters<typeof authorize>[1], id: string) => {
      const found = await authorize(deps, req, id)
      if (found.role !== 'facilitator') throw new HttpError('forbidden', ONLY_FACILITATOR)
      return found.session
    }

    app.get<{ Params: { id: string } }>('/api/sessions/:id/chat', async (req, reply) => {
      const session = await facilitator(req, req.params.id)
      return reply.header('cache-control', 'no-store').send(await poster.view(session.id))
    })

    app.put<{ Params: { id: string } }>('/api/sessions/:id/chat', async (req, reply) => {
      const session = await facilitator(req, req.params.id)
      const body = parse(chatSettingsBodySchema, req.body, 'badBody')
      const saved = await poster.update(session.id, body)
      if (!saved.ok) throw new HttpError('badBody', saved.reason)
      return reply.header('cache-control', 'no-store').send(await poster.view(session.id))
    })

    const postLimit = { max: 10, timeWindow: '1 minute' }
    app.post<{ Params: { id: string } }>('/api/sessions/:id/chat/post', { config: { rateLimit: postLimit } }, async (req, reply) => {
      const session = await facilitator(req, req.params.id)
      const { channels } = parse(chatPostBodySchema, req.body, 'badBody')
      // The post links to the session for viewing: whoever reads the channel may look, not write.
      const viewer = derivableTokens(session, bearerToken(req) as string)?.viewer
      const { doc, release } = await deps.readDoc(session.id)
      const summary = readSessionSummary(doc, session.title)
      release()
      const review = chatReview({ ...summary, sessionUrl: viewer ? boardLink(deps, req, session.id, viewer) : null })
      const deliveries = await poster.postReview(session.id, review, channels)
      return reply.code(202).header('cache-control', 'no-store').send({ deliveries })
    })
  }
