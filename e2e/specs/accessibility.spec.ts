// axe-core on the pages people open, at desktop and phone sizes: no critical or serious violation.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from '../fixtures/index.ts'
import { ReplayPage } from '../pages/ReplayPage.ts'

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
}

for (const size of [
  { name: 'desktop', width: 1280, height: 720 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`the home page, the board and the replay have no serious axe-core violation (${size.name})`, async ({ newPerson, session }) => {
    const person = await newPerson()
    await person.page.setViewportSize({ width: size.width, height: size.height })
    await person.page.goto('/')
    expect(await violations(person.page)).toEqual([])
    await person.board.goto(session.joinUrl)
    await person.board.join('Member A')
    await expect(person.board.canvas).toBeVisible()
    expect(await violations(person.page)).toEqual([])
    const replay = new ReplayPage(person.page)
    await replay.goto(session.id, session.tokens.viewer, Date.now())
    expect(await violations(person.page)).toEqual([])
  })
}
