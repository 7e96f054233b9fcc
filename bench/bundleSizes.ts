// What a person downloads before each page works: the JavaScript and CSS each route loads
// (its entry and every chunk it imports statically, then the route's own lazy chunk and its
// imports), gzip-compressed at level 9. Read from the build's manifest (vite.config.ts writes
// client/dist/.vite/manifest.json), so it measures the bundle `npm start` serves.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

interface ManifestChunk {
  file: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
  src?: string
}
type Manifest = Record<string, ManifestChunk>

export interface RouteSize {
  route: string
  jsGzipKb: number
  cssGzipKb: number
  /** Whether the route's download includes tldraw. */
  tldraw: boolean
}

/**
 * The lazy modules each route loads besides the entry (client/src/App.tsx). The my-tasks page
 * works in two steps: its tasks drawn from HTTP, then its live document (editable, offline copy).
 */
const ROUTES: Record<string, readonly string[]> = {
  home: [],
  'my tasks': ['src/session/MyTasksPage.tsx'],
  'my tasks, live': ['src/session/MyTasksPage.tsx', 'src/session/MyTasksLive.tsx'],
  board: ['src/pages/BoardPage.tsx'],
  // The replay draws its first board without tldraw (a preview), then loads its canvas.
  replay: ['src/replay/ReplayPage.tsx'],
  'replay, canvas': ['src/replay/ReplayPage.tsx', 'src/replay/ReplayCanvas.tsx'],
}

export function measureBundles(distDir: string): RouteSize[] {
  const manifestFile = path.join(distDir, '.vite', 'manifest.json')
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: build the client first (npm run build)`)
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry)
  if (!entryKey) throw new Error('the manifest has no entry')
  const gz = new Map<string, number>()
  const gzipBytes = (file: string): number => {
    let size = gz.get(file)
    if (size === undefined) {
      size = zlib.gzipSync(fs.readFileSync(path.join(distDir, file)), { level: 9 }).length
      gz.set(file, size)
    }
    return size
  }
  const collect = (key: string, files: Set<string>): void => {
    const chunk = manifest[key]
    if (!chunk || files.has(chunk.file)) return
    files.add(chunk.file)
    for (const css of chunk.css ?? []) files.add(css)
    for (const dep of chunk.imports ?? []) collect(dep, files)
  }
  const hasTldraw = (files: Set<string>): boolean =>
    [...files].some((f) => f.endsWith('.js') && fs.readFileSync(path.join(distDir, f), 'utf8').includes('tldraw_sans'))
  return Object.entries(ROUTES).map(([route, lazy]) => {
    const files = new Set<string>()
    collect(entryKey, files)
    for (const module of lazy) {
      const key = Object.keys(manifest).find((k) => k.endsWith(module))
      if (!key) throw new Error(`the manifest has no chunk for ${module}`)
      collect(key, files)
    }
    const sum = (ext: string) => [...files].filter((f) => f.endsWith(ext)).reduce((a, f) => a + gzipBytes(f), 0) / 1024
    return { route, jsGzipKb: Math.round(sum('.js') * 10) / 10, cssGzipKb: Math.round(sum('.css') * 10) / 10, tldraw: hasTldraw(files) }
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = path.resolve(process.argv[2] ?? 'client/dist')
  for (const r of measureBundles(dist)) console.log(`${r.route.padEnd(15)} JS ${r.jsGzipKb.toFixed(1).padStart(7)} kB gzip   CSS ${r.cssGzipKb.toFixed(1).padStart(6)} kB gzip   ${r.tldraw ? 'with tldraw' : 'without tldraw'}`)
}
