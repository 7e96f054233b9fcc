// "Your sessions": a series of follow-ups is one line, its sessions in order, each opening with the
// most capable link this browser holds for it (the rows come from homeRows.ts).
import { ROLE_LABEL } from '../components/TopBar.tsx'
import { bestToken, type SessionEntry } from '../lib/storage.ts'
import { boardPath, Link, replayPath } from '../router.tsx'
import '../styles/session-series.css'

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
