// "Your sessions": a series of follow-ups is one line, its sessions in order, each opening with the
// most capable link this browser holds for it (the series comes from lib/storage.ts).
import { ROLE_LABEL } from '../components/TopBar.tsx'
import { bestToken, type SessionEntry } from '../lib/storage.ts'
import { boardPath, Link, replayPath } from '../router.tsx'
import '../styles/session-series.css'

export type HomeRow = { kind: 'session'; entry: SessionEntry } | { kind: 'series'; id: string; entries: SessionEntry[] }

/** The remembered sessions, most recent first, with the sessions of one series (two or more known) gathered on one row. */
export function homeRows(sessions: readonly SessionEntry[]): HomeRow[] {
  const bySeries = new Map<string, SessionEntry[]>()
  for (const s of sessions) if (s.series) bySeries.set(s.series.id, [...(bySeries.get(s.series.id) ?? []), s])
  const rows: HomeRow[] = []
  const placed = new Set<string>()
  for (const s of sessions) {
    const members = s.series ? (bySeries.get(s.series.id) ?? []) : []
    if (!s.series || members.length < 2) {
      rows.push({ kind: 'session', entry: s })
      continue
    }
    if (placed.has(s.series.id)) continue
    placed.add(s.series.id)
    rows.push({ kind: 'series', id: s.series.id, entries: [...members].sort((a, b) => (a.series?.position ?? 0) - (b.series?.position ?? 0)) })
  }
  return rows
}

const seriesTitle = (entries: readonly SessionEntry[]): string =>
  (entries[0]?.title ?? '').replace(/\s*\(\d+\)\s*$/, '').trim() || 'Untitled series'

export function SeriesRow({ entries }: { entries: readonly SessionEntry[] }) {
  const title = seriesTitle(entries)
  return (
    <li className="session-list__item session-list__item--links" aria-label={`Series: ${title}`}>
      <div className="session-list__head">
        <div className="session-list__main">
          <span className="session-list__link">{title}</span>
          <span className="session-list__meta">Series · {entries.length} sessions</span>
        </div>
      </div>
      <ol className="series-sessions" aria-label={`Sessions of ${title}`}>
        {entries.map((entry) => {
          const best = bestToken(entry)
          if (!best) return null
          return (
            <li key={entry.id} className="series-sessions__item">
              <Link href={boardPath(entry.id, best.token)} title={`${ROLE_LABEL[best.role]}`}>
                {entry.series?.position}. {entry.title || 'Untitled session'}
              </Link>
              <Link href={replayPath(entry.id, best.token)} className="series-sessions__replay" aria-label={`Replay ${entry.title || 'the session'}`}>
                Replay
              </Link>
            </li>
          )
        })}
      </ol>
    </li>
  )
}
