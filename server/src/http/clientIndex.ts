// The built client's index.html, as sent for a route: for a page whose code is split off (the
// replay), with that code preloaded. The page's own chunk is otherwise asked for only once the
// entry script has arrived and run (a dynamic import), and tldraw's 1.7 MB chunk behind it; with
// `<link rel="modulepreload">` the browser fetches and compiles them beside the entry script.
// Which files a page needs comes from Vite's manifest (client/dist/.vite/manifest.json).
import fs from 'node:fs'
import path from 'node:path'

interface ManifestChunk {
  file: string
  css?: string[]
  imports?: string[]
  isEntry?: boolean
}

/** Source modules of the pages whose code is preloaded with the page's HTML. */
export const PAGE_MODULES = { replay: 'src/replay/ReplayPage.tsx' } as const
export type SplitPage = keyof typeof PAGE_MODULES

interface Cached {
  mtimeMs: number
  html: Buffer
  pages: Partial<Record<SplitPage, Buffer>>
}

/** The chunk files (scripts, then stylesheets) `module` loads, without what the entry loads already. */
export function pageFiles(manifest: Record<string, ManifestChunk>, module: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = []
  const styles: string[] = []
  const seen = new Set<string>()
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (!chunk || seen.has(key) || chunk.isEntry) return
    seen.add(key)
    scripts.push(chunk.file)
    styles.push(...(chunk.css ?? []))
    for (const next of chunk.imports ?? []) visit(next)
  }
  visit(module)
  return { scripts, styles }
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** Reads index.html (again only when the build changed) and answers it for `page`. */
export class ClientIndex {
  private readonly dir: string
  private cached: Cached | null = null

  constructor(clientDir: string) {
    this.dir = clientDir
  }

  get file(): string {
    return path.join(this.dir, 'index.html')
  }

  async html(page: SplitPage | null): Promise<Buffer> {
    const stat = await fs.promises.stat(this.file)
    if (!this.cached || this.cached.mtimeMs !== stat.mtimeMs) this.cached = { mtimeMs: stat.mtimeMs, html: await fs.promises.readFile(this.file), pages: {} }
    const cached = this.cached
    if (page === null) return cached.html
    return (cached.pages[page] ??= this.withPreloads(cached.html, PAGE_MODULES[page]))
  }

  private withPreloads(html: Buffer, module: string): Buffer {
    let manifest: Record<string, ManifestChunk>
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(this.dir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>
    } catch {
      return html
    }
    const { scripts, styles } = pageFiles(manifest, module)
    const text = html.toString()
    const at = text.indexOf('</head>')
    if (at < 0 || scripts.length === 0) return html
    const links = [
      ...scripts.map((f) => `<link rel="modulepreload" crossorigin href="/${escapeAttr(f)}">`),
      ...styles.map((f) => `<link rel="preload" as="style" crossorigin href="/${escapeAttr(f)}">`),
    ]
    return Buffer.from(`${text.slice(0, at)}    ${links.join('\n    ')}\n  ${text.slice(at)}`)
  }
}
