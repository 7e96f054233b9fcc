// "Your sessions" as rows: a single session, or a series of follow-ups gathered on one row.
import type { SessionEntry } from '../lib/storage.ts'

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

