// Test stand-ins for what surrounds a deployment of several processes: a load balancer that
// health-checks its backends (`GET /healthz`) and sends each new TCP connection to the next healthy
// one, and a cable between a process and PostgreSQL that a test can cut. Both are plain TCP
// proxies: the processes behind them run unchanged.
import net from 'node:net'

export interface Balancer {
  url: string
  port: number
  /** Backends the last health checks found healthy. */
  healthy(): number[]
  close(): Promise<void>
}

/** Round-robin over the healthy backends (health checked every `checkMs`), as any load balancer with health checks does. */
export async function startBalancer(backendPorts: readonly number[], checkMs = 200): Promise<Balancer> {
  const up = new Set<number>()
  let next = 0
  let closed = false
  const check = async () => {
    await Promise.all(
      backendPorts.map(async (port) => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(Math.max(500, checkMs * 2)) })
          if (res.ok) up.add(port)
          else up.delete(port)
        } catch {
          up.delete(port)
        }
      }),
    )
  }
  await check()
  const timer = setInterval(() => void (closed || check()), checkMs)
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    const candidates = backendPorts.filter((p) => up.has(p))
    if (candidates.length === 0) return void client.destroy()
    const port = candidates[next++ % candidates.length] as number
    const backend = net.connect(port, '127.0.0.1')
    sockets.add(backend)
    backend.on('close', () => sockets.delete(backend))
    client.pipe(backend).pipe(client)
    client.on('error', () => backend.destroy())
    backend.on('error', () => client.destroy())
    client.on('close', () => backend.destroy())
    backend.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    healthy: () => backendPorts.filter((p) => up.has(p)),
    close: async () => {
      closed = true
      clearInterval(timer)
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export interface Cable {
  /** Points a DATABASE_URL through this cable. */
  route(databaseUrl: string): string
  /** Drops every connection and refuses new ones, as a network partition would. */
  cut(): void
  restore(): void
  close(): Promise<void>
}

/** A TCP pass-through to `targetPort` that can be cut. */
export async function startCable(targetPort: number): Promise<Cable> {
  let cut = false
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    if (cut) return void client.destroy()
    const upstream = net.connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    route: (databaseUrl) => {
      const u = new URL(databaseUrl)
      u.port = String(port)
      return u.toString()
    },
    cut: () => {
      cut = true
      for (const s of sockets) s.destroy()
    },
    restore: () => {
      cut = false
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
