// The table's rows: one figure each, the median over rounds for every server, with the goal.
import type { PeerName } from './peers.ts'
import type { Cell, Row } from './report.ts'
import { CLUSTER_VARIANTS, type ClusterResult, type ClusterVariant } from './scenarios/cluster.ts'
import { FANOUT_SHAPES, type FanoutResult } from './scenarios/fanout.ts'
import type { MemoryResult } from './scenarios/memory.ts'
import { median } from './stats.ts'
import type { SuiteResults } from './suite.ts'

const HOCUSPOCUS_STORE = 'no ack; stores after 2,000 ms debounce (max 10,000 ms)'

function per<T>(by: Record<PeerName, T[]>, pick: (r: T) => number | null): Record<PeerName, Cell> {
  const m = (peer: PeerName): Cell => (by[peer].length === 0 ? null : median(by[peer].map(pick)))
  return { sandbox: m('sandbox'), 'y-websocket': m('y-websocket'), hocuspocus: m('hocuspocus') }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

export function buildRows(r: SuiteResults): Row[] {
  const rows: Row[] = []
  for (const shape of ['rooms', 'crowd', 'crowd500'] as const) {
    const by = r.fanout[shape]
    const crowd = shape !== 'rooms'
    if (Object.values(by).every((v) => v.length === 0)) continue
    const section = `Fan-out: ${FANOUT_SHAPES[shape].label}`
    const f = (figure: string, unit: string, pick: (x: FanoutResult) => number | null, goal?: string): void => {
      rows.push({ section, figure, unit, values: per(by, pick), goal })
    }
    f('edit delivery p50', 'ms', (x) => x.editP50Ms)
    f('edit delivery p99', 'ms', (x) => x.editP99Ms, crowd ? '< 100 ms; ≤ y-websocket' : '≤ y-websocket')
    if (crowd) {
      f('cursor delivery p50', 'ms', (x) => x.cursorP50Ms)
      f('cursor delivery p99', 'ms', (x) => x.cursorP99Ms, '< 100 ms')
      f('cursor states delivered', '% of sent', (x) => (x.cursorsExpected > 0 ? (100 * x.cursorsReceived) / x.cursorsExpected : null))
    }
    f('edit deliveries lost', 'count', (x) => x.editsLost, '0')
    f('server CPU per 1,000 deliveries', 's', (x) => x.cpuSecPer1kDeliveries, '≤ y-websocket')
    f('server RSS peak', 'MB', (x) => x.rssPeakMb)
    f('load generator CPU', '%', (x) => x.loadgenCpuPercent)
    if (shape === 'rooms') {
      rows.push({
        section: 'Saved (update → "saved" ack) under the 10 × 10 fan-out',
        figure: 'saved p50',
        unit: 'ms',
        values: { ...per(by, (x) => x.savedP50Ms), 'y-websocket': 'no ack (memory only)', hocuspocus: HOCUSPOCUS_STORE },
      })
      rows.push({
        section: 'Saved (update → "saved" ack) under the 10 × 10 fan-out',
        figure: 'saved p99',
        unit: 'ms',
        values: { ...per(by, (x) => x.savedP99Ms), 'y-websocket': 'no ack (memory only)', hocuspocus: HOCUSPOCUS_STORE },
        goal: '< 50 ms',
      })
    }
  }
  if (r.savedIsolated) {
    for (const [key, figure] of [['p50Ms', 'saved p50, no other load'], ['p99Ms', 'saved p99, no other load']] as const) {
      rows.push({ section: 'Saved (bench/savedLatency.ts)', figure, unit: 'ms', values: { sandbox: num(r.savedIsolated[key]), 'y-websocket': 'n/a', hocuspocus: 'n/a' } })
    }
  }
  if (Object.values(r.cold).some((v) => v !== null) || r.coldPostgres) {
    const c = r.cold.sandbox ?? r.cold.hocuspocus ?? r.coldPostgres
    const section = `Cold room load (${c?.shapes.toLocaleString('en-US')} stickies, ${c?.updates.toLocaleString('en-US')}-update history)`
    const val = (pick: (x: NonNullable<SuiteResults['cold']['sandbox']>) => number | null): Record<PeerName, Cell> => ({
      sandbox: r.cold.sandbox ? pick(r.cold.sandbox) : null,
      'y-websocket': 'n/a (in memory, nothing to load)',
      hocuspocus: r.cold.hocuspocus ? pick(r.cold.hocuspocus) : null,
    })
    rows.push({ section, figure: 'connect → first sync of the cold room', unit: 'ms', values: val((x) => x.firstSyncMs), goal: '< 100 ms' })
    rows.push({ section, figure: 'process start → listening', unit: 'ms', values: val((x) => x.restartMs) })
    rows.push({ section, figure: 'stop → first synced client', unit: 'ms', values: val((x) => x.stopToSyncMs) })
    const pg = r.coldPostgres
    if (pg) {
      const na = { 'y-websocket': 'n/a', hocuspocus: 'n/a (SQLite extension)' }
      rows.push({ section, figure: 'connect → first sync of the cold room, Sandbox on PostgreSQL', unit: 'ms', values: { sandbox: pg.firstSyncMs, ...na }, goal: '< 100 ms' })
      rows.push({ section, figure: 'process start → listening, Sandbox on PostgreSQL', unit: 'ms', values: { sandbox: pg.restartMs, ...na } })
      rows.push({ section, figure: 'stop → first synced client, Sandbox on PostgreSQL', unit: 'ms', values: { sandbox: pg.stopToSyncMs, ...na } })
    }
  }
  if (r.cluster) rows.push(...clusterRows(r.cluster))
  if (r.replaySeek) {
    const na = { 'y-websocket': 'n/a (no history)', hocuspocus: 'n/a (no history)' }
    const section = `Replay seek (state?at, ${num(r.replaySeek.updates)?.toLocaleString('en-US')} updates)`
    rows.push({ section, figure: 'seek p50', unit: 'ms', values: { sandbox: num(r.replaySeek.p50Ms), ...na } })
    rows.push({ section, figure: 'seek p95', unit: 'ms', values: { sandbox: num(r.replaySeek.p95Ms), ...na }, goal: '< 50 ms' })
    rows.push({ section, figure: 'first timeline, in process (whole log once)', unit: 'ms', values: { sandbox: num(r.replaySeek.timelineColdMs), ...na } })
  }
  if (r.replayOpen) {
    const na = { 'y-websocket': 'n/a (no history)', hocuspocus: 'n/a (no history)' }
    const section = `Replay cold open (${num(r.replayOpen.updates)?.toLocaleString('en-US')} updates, fresh server, headless Chromium)`
    rows.push({ section, figure: 'navigation → first board', unit: 'ms', values: { sandbox: num(r.replayOpen.firstBoardMs), ...na }, goal: '< 1,000 ms' })
    rows.push({ section, figure: 'first /timeline over HTTP, alone', unit: 'ms', values: { sandbox: num(r.replayOpen.timelineColdHttpMs), ...na }, goal: '< 1,000 ms' })
  }
  if (r.storageRatio) {
    const na = { 'y-websocket': 'n/a (no storage)', hocuspocus: 'n/a (stores the document only)' }
    const label: Record<string, string> = { meeting: '20-person meeting', moves: '20,000 moves of 200 stickies', long: 'the 100,000-update replay session' }
    for (const x of r.storageRatio) {
      const section = `Storage of a long session (${label[String(x.scenario)] ?? String(x.scenario)}, ${x.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'})`
      rows.push({ section, figure: 'on disk ÷ (updates + final document)', unit: '×', values: { sandbox: num(x.diskRatio), ...na }, goal: '≤ 2×' })
      rows.push({ section, figure: 'stored payload (quota) ÷ (updates + final document)', unit: '×', values: { sandbox: num(x.payloadRatio), ...na }, goal: '≤ 2×' })
    }
  }
  if (r.browser) {
    const b = r.browser
    const na = { 'y-websocket': 'n/a (no UI)', hocuspocus: 'n/a (no UI)' }
    const section = `Browser (${b.stickies.toLocaleString('en-US')} stickies, headless Chromium)`
    rows.push({ section, figure: 'open join link → usable board', unit: 'ms', values: { sandbox: b.openToUsableMs, ...na } })
    rows.push({ section, figure: 'sent while dragging one sticky', unit: 'bytes/s', values: { sandbox: b.dragBytesPerSecond, ...na } })
    rows.push({ section, figure: 'sent while drawing', unit: 'bytes/s', values: { sandbox: b.drawBytesPerSecond, ...na } })
    for (const x of b.returning ?? []) {
      const back = `Browser, returning participant (${x.stickies.toLocaleString('en-US')} stickies, headless Chromium)`
      rows.push({ section: back, figure: 'open link → a sticky they add is on the board', unit: 'ms', values: { sandbox: x.openToAddMs, ...na }, goal: x.stickies <= 2_000 ? '≤ 1,500 ms' : '≤ 3,000 ms' })
      rows.push({ section: back, figure: 'pan and zoom: frames per second (median)', unit: 'fps', values: { sandbox: x.panFps, ...na }, goal: x.stickies <= 2_000 ? '≥ 50' : undefined })
      rows.push({ section: back, figure: 'pan and zoom: frame time p95', unit: 'ms', values: { sandbox: x.panFrameP95Ms, ...na } })
    }
  }
  if (r.bundles) {
    const na = { 'y-websocket': 'n/a (no UI)', hocuspocus: 'n/a (no UI)' }
    for (const b of r.bundles) {
      rows.push({
        section: 'JavaScript a person downloads before the page works (gzip)',
        figure: `${b.route}${b.tldraw ? ' (with tldraw)' : ''}`,
        unit: 'kB',
        values: { sandbox: b.jsGzipKb, ...na },
        goal: b.route === 'home' || b.route === 'my tasks' ? '≤ 100 kB, without tldraw' : undefined,
      })
    }
  }
  if (Object.values(r.memory).some((v) => v.length > 0)) {
    const m = (figure: string, unit: string, pick: (x: MemoryResult) => number): void => {
      rows.push({ section: 'Memory', figure, unit, values: per(r.memory, pick) })
    }
    m('RSS per idle connection', 'KB', (x) => x.rssKbPerConnection)
    m('JS heap per idle connection', 'KB', (x) => x.heapKbPerConnection)
    m('RSS per loaded room (500 stickies)', 'KB', (x) => x.rssKbPerRoom)
    m('JS heap per loaded room (500 stickies)', 'KB', (x) => x.heapKbPerRoom)
  }
  return rows
}

/** Sandbox-only rows: the peers have no deployment of several processes to compare with. */
function clusterRows(c: ClusterResult): Row[] {
  const rows: Row[] = []
  const na = { 'y-websocket': 'n/a (one process)', hocuspocus: 'n/a' }
  const variants = (Object.keys(CLUSTER_VARIANTS) as ClusterVariant[]).filter((v) => c.fanout[v].length > 0)
  const section = `Several processes: ${FANOUT_SHAPES.rooms.label}`
  const f = (figure: string, unit: string, pick: (x: FanoutResult) => number | null): void => {
    for (const v of variants) rows.push({ section, figure: `${figure}, ${CLUSTER_VARIANTS[v]}`, unit, values: { sandbox: median(c.fanout[v].map(pick)), ...na } })
  }
  f('edit delivery p99', 'ms', (x) => x.editP99Ms)
  f('server CPU per 1,000 deliveries (all processes)', 's', (x) => x.cpuSecPer1kDeliveries)
  f('saved p99', 'ms', (x) => x.savedP99Ms)
  f('edit deliveries lost', 'count', (x) => x.editsLost)
  const ttls = [...new Set(c.takeover.map((t) => t.leaseTtlMs))]
  const kills = c.takeover.filter((t) => t.leaseTtlMs === ttls[0]).length
  const takeover = `Takeover after kill -9 of the owner (${kills} kill${kills === 1 ? '' : 's'} per lease length)`
  for (const ttl of ttls) {
    const runs = c.takeover.filter((t) => t.leaseTtlMs === ttl)
    const lease = `LEASE_TTL_MS ${ttl.toLocaleString('en-US')}`
    for (const [what, pick] of [['first sync on the other process', (t: (typeof runs)[number]) => t.firstSyncMs], ['first "saved" ack', (t: (typeof runs)[number]) => t.firstSavedMs]] as const) {
      rows.push({ section: takeover, figure: `kill → ${what}, ${lease}, median`, unit: 'ms', values: { sandbox: median(runs.map(pick)), ...na } })
      rows.push({ section: takeover, figure: `kill → ${what}, ${lease}, max`, unit: 'ms', values: { sandbox: Math.max(...runs.map(pick)), ...na } })
    }
  }
  return rows
}
