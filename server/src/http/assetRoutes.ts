// Image routes: a participant or facilitator uploads an image's raw bytes and gets back the URL
// the board stores; anyone with a token of the session reads it back. The type comes from the
// bytes (PNG, JPEG, GIF, WebP), never from a header or a name, and a served image can never run
// as a page (nosniff, `default-src 'none'`). The routes live in their own Fastify scope so only
// they accept non-JSON bodies, with their own size limit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { canWriteBoard } from '@sandbox/shared'
import { assetPath } from '@sandbox/shared/board'
import { isAssetHash, sniffImageType, type AssetStorage } from '../storage/AssetStore.ts'
import type { AppDeps } from './app.ts'
import { errorBody, HttpError } from './errors.ts'
import { authorize } from './sessionRoutes.ts'

export interface AssetRouteOptions {
  assets: AssetStorage
  /** Largest single upload (MAX_ASSET_BYTES). */
  maxAssetBytes: number
  /** Image bytes one session may store in all (MAX_ASSET_BYTES_PER_SESSION). */
  maxSessionBytes: number
}

/** The URL an uploaded image has; the document stores exactly this form. */

const UPLOADS_PER_MINUTE = 60
const CACHE_FOREVER = 'private, max-age=31536000, immutable'
const NO_SUCH_IMAGE = 'There is no image at this address in this session.'

const mebibytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`

type Params = { Params: { id: string } }
type AssetParams = { Params: { id: string; sha256: string } }

export function assetRoutes(options: AssetRouteOptions): (app: FastifyInstance, deps: AppDeps) => void {
  const { assets, maxAssetBytes, maxSessionBytes } = options

  return (app, deps) => {
    void app.register(async (scope) => {
      // Any content type is read as raw bytes, up to the image limit; the bytes decide the type.
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxAssetBytes }, (_req, body, done) => done(null, body))
      scope.setErrorHandler((error: Error & { code?: string }, _req, reply) => {
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return reply.code(413).send(errorBody('tooLarge', `An image can be at most ${mebibytes(maxAssetBytes)}; make it smaller and try again.`))
        }
        throw error // the app's handler answers everything else
      })

      /** Refuses before a byte of the body is read: no one without the right token uploads 10 MiB. */
      const mayUpload = async (req: FastifyRequest<Params>) => {
        const { role } = await authorize(deps, req, req.params.id)
        if (!canWriteBoard(role)) throw new HttpError('forbidden', 'A viewer cannot add images to the board; open the join link to take part.')
      }

      scope.post<Params>(
        '/api/sessions/:id/assets',
        { bodyLimit: maxAssetBytes, onRequest: mayUpload, config: { rateLimit: { max: UPLOADS_PER_MINUTE, timeWindow: '1 minute' } } },
        async (req, reply) => {
          const sessionId = req.params.id
          const body = req.body
          if (!Buffer.isBuffer(body) || body.byteLength === 0) throw new HttpError('badBody', 'Send the image’s bytes as the request body.')
          if (!sniffImageType(body)) throw new HttpError('unsupportedType')
          const result = await assets.put(sessionId, body, { maxSessionBytes })
          if (!result.ok) {
            if (result.reason === 'unsupportedType') throw new HttpError('unsupportedType')
            throw new HttpError(
              'quotaExceeded',
              `This session already stores ${mebibytes(result.usedBytes)} of images, and may store ${mebibytes(maxSessionBytes)}; ask whoever runs Sandbox to raise MAX_ASSET_BYTES_PER_SESSION.`,
            )
          }
          if (result.created) req.log.info({ event: 'asset.stored', session: sessionId, bytes: result.bytes, type: result.mimeType }, 'image stored')
          return reply.code(201).send({ url: assetPath(sessionId, result.sha256), sha256: result.sha256, mimeType: result.mimeType, bytes: result.bytes })
        },
      )

      // Any role may read. `?token=` works too, because an <img> cannot send a header.
      scope.get<AssetParams>('/api/sessions/:id/assets/:sha256', async (req, reply: FastifyReply) => {
        const { session } = await authorize(deps, req, req.params.id)
        // Checked before any path is built from it: nothing but 64 hex characters reaches the disk.
        if (!isAssetHash(req.params.sha256)) throw new HttpError('notFound', NO_SUCH_IMAGE)
        const asset = await assets.open(session.id, req.params.sha256)
        if (!asset) throw new HttpError('notFound', NO_SUCH_IMAGE)
        return reply
          .header('content-type', asset.mimeType)
          .header('content-length', asset.bytes)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', CACHE_FOREVER)
          .header('content-security-policy', "default-src 'none'")
          .send(asset.stream)
      })
    })
  }
}
