import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { INSTALL_POSTGRES, startTestPostgres } from './postgres.ts'

describe('the test PostgreSQL', () => {
  it('fails, saying how to install PostgreSQL, when its programs are missing (never a silent skip)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-no-pg-'))
    try {
      await expect(startTestPostgres(empty)).rejects.toThrow(INSTALL_POSTGRES)
    } finally {
      fs.rmSync(empty, { recursive: true, force: true })
    }
  })
})
