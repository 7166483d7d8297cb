import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { sqliteStore } from '../src/sqlite.js'
import { storeContract } from './store-contract.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-sqlite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
let current = ''

storeContract('SQLite (WAL, synchronous FULL)', {
  make: () => {
    n += 1
    current = join(dir, `store-${n}.db`)
    return sqliteStore({ path: current })
  },
  // A second connection to the same file, as a second process would open it.
  second: () => sqliteStore({ path: current }),
})
