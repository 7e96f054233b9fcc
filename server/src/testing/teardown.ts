// Test teardown for integration tests (kept apart from harness.ts, which the benchmark imports).
import { afterEach } from 'vitest'

/** Steps to undo after each test, newest first: `cleanup.push(() => server.close())`. */
export function teardownAfterEach(): { push(step: () => unknown): void } {
  const steps: (() => unknown)[] = []
  afterEach(async () => {
    while (steps.length) await steps.pop()?.()
  })
  return { push: (step) => void steps.push(step) }
}
