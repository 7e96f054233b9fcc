// A Vite plugin that writes a brotli (.br) and a gzip (.gz) copy beside every built script,
// stylesheet, SVG and JSON file worth compressing, once the bundle is written. The server's static
// serving (@fastify/static `preCompressed`) sends the copy a browser accepts, so compressing costs
// nothing per request: tldraw's 1.7 MB chunk goes out as about 0.45 MB of brotli.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Plugin } from 'vite'

const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|map)$/
/** Smaller files are sent as they are: a header costs more than compression saves. */
const MIN_BYTES = 1_024

export function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'sandbox-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir)
    },
    async writeBundle(_options, bundle) {
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => COMPRESSIBLE.test(name))
          .map(async (name) => {
            const file = path.join(outDir, name)
            const bytes = await fs.promises.readFile(file)
            if (bytes.length < MIN_BYTES) return
            const [br, gz] = await Promise.all([
              new Promise<Buffer>((resolve, reject) =>
                zlib.brotliCompress(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 10, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }, (e, out) => (e ? reject(e) : resolve(out))),
              ),
              new Promise<Buffer>((resolve, reject) => zlib.gzip(bytes, { level: 9 }, (e, out) => (e ? reject(e) : resolve(out)))),
            ])
            // Only copies that are smaller; the server falls back to the file itself.
            if (br.length < bytes.length) await fs.promises.writeFile(`${file}.br`, br)
            if (gz.length < bytes.length) await fs.promises.writeFile(`${file}.gz`, gz)
          }),
      )
    },
  }
}
