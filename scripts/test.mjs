// `npm test`: typecheck, unit/integration tests (Vitest), client build, browser tests (Playwright).
// Each step streams its own output; the last line is the total over all of them,
// `N passed, N failed[, N skipped]`, which CI (.ci/run) relies on.
// A typecheck or build failure counts as one failed test. Exits non-zero if anything failed
// or if no test ran at all.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const tmp = mkdtempSync(join(tmpdir(), 'sandbox-npm-test-'))
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const totals = { passed: 0, failed: 0, skipped: 0 }
const timings = []
/** Set when the temp directory holds something worth keeping (failure artifacts). */
let keep = ''

/** Runs a package binary from node_modules/.bin with this Node, streaming its output. */
async function run(bin, args, env = {}) {
  const started = Date.now()
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/.bin', bin), ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    })
    child.on('error', (error) => {
      console.error(error)
      resolve(1)
    })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
  timings.push(`${bin} ${Math.round((Date.now() - started) / 1000)} s`)
  return code
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

function banner(title) {
  console.log(`\n=== ${title} ===`)
}

/** A step that is not a test suite (typecheck, build) counts as one failed test when it fails. */
function countStep(name, exitCode) {
  if (exitCode === 0) return true
  console.error(`✘ ${name} failed (exit code ${exitCode})`)
  totals.failed += 1
  return false
}

/** Adds a suite's counts; a non-zero exit with no failed test (a crash, a broken file) counts as one. */
function countSuite(name, exitCode, counts) {
  const { passed = 0, failed = 0, skipped = 0 } = counts ?? {}
  totals.passed += passed
  totals.skipped += skipped
  totals.failed += failed
  if (exitCode !== 0 && failed === 0) {
    console.error(`✘ ${name} exited with code ${exitCode} without reporting a failed test`)
    totals.failed += 1
  }
}

const started = Date.now()

banner('typecheck: tsc -p tsconfig.json --noEmit')
countStep('typecheck', await run('tsc', ['-p', 'tsconfig.json', '--noEmit']))

banner('unit and integration tests: vitest run')
{
  const out = join(tmp, 'vitest.json')
  const code = await run('vitest', ['run', '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`])
  const report = readJson(out)
  countSuite('vitest', code, report && {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  })
}

banner('client build: vite build')
const built = countStep('vite build', await run('vite', ['build']))

banner('browser tests: playwright test -c e2e/playwright.config.ts')
if (!existsSync(chromium)) {
  console.error(`✘ Chromium not found at ${chromium}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH); browser tests did not run.`)
  totals.failed += 1
} else if (!built) {
  console.error('✘ Skipping browser tests: the client did not build (counted once, above).')
} else {
  const out = join(tmp, 'playwright.json')
  // A directory of our own for screenshots and traces: every Playwright run empties its output
  // directory first, so a run started elsewhere in this checkout would delete ours mid-test.
  const artifacts = join(tmp, 'playwright-results')
  const code = await run('playwright', ['test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json', `--output=${artifacts}`], {
    PLAYWRIGHT_JSON_OUTPUT_FILE: out,
  })
  const stats = readJson(out)?.stats
  countSuite('playwright', code, stats && {
    passed: stats.expected + stats.flaky,
    failed: stats.unexpected,
    skipped: stats.skipped,
  })
  if (code !== 0) keep = `Screenshots, traces and server logs of the failed browser tests: ${artifacts}`
}

if (keep) console.log(`\n${keep}`)
else rmSync(tmp, { recursive: true, force: true })
console.log(`\nnpm test took ${Math.round((Date.now() - started) / 1000)} s (${timings.join(', ')})`)
if (totals.passed + totals.failed === 0) {
  console.error('✘ No test ran.')
  process.exitCode = 1
}
if (totals.failed > 0) process.exitCode = 1
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : ''
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`)
