// CPU time and RSS of a process read from /proc, so sampling never waits on a server whose event
// loop is busy (an overloaded server would answer an IPC "stats" request only after its backlog).
import fs from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

export interface ProcSample {
  cpuMs: number
  rssBytes: number
}

/**
 * Milliseconds a process's main thread has spent runnable but waiting for a CPU (/proc schedstat):
 * on a shared machine, a process that waits much while busy little is starved, not done.
 */
export function readRunWaitMs(pid: number | 'self'): number | null {
  try {
    const [, waitNs] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ')
    return Number(waitNs) / 1e6
  } catch {
    return null
  }
}

export function readProc(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 }
  } catch {
    return null
  }
}
