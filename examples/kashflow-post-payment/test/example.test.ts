import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('the KashFlow post-payment example', () => {
  it('posts once through a dropped connection and a repeat, against the loopback fake', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', 'tsx', 'src/main.ts'],
      { cwd, encoding: 'utf8' },
    )
    expect(out).toMatch(/first attempt: +posted \(confirmed by read-back/)
    expect(out).toMatch(/second attempt: already posted \(payment \d+, found by read-back\)/)
    expect(out).toContain('invoice 1042: Paid, owed £0.00, 1 payment line(s)')
    expect(out).toContain(
      'sent as comment: OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment | Fraud score: 37 | Bank auth code: 999777',
    )
  })
})
