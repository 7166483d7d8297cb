// What a person reads when the config or a flag is wrong, and what doctor finds: through the CLI
// in-process (main with its io), against the loopback fakes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli/main.js'
import { CREDENTIALS } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-errors-'))
let kashflow: FakeKashflowServer

async function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

const config = (overrides: Record<string, unknown> = {}) => ({
  opayo: { vendorName: 'myshop' },
  kashflow: { username: CREDENTIALS.username, baseUrl: kashflow.url },
  posting: { bankAccountId: 55166, paymentMethodId: 409844 },
  references: ['INV-{invoice}-{*}'],
  store: { sqlite: join(dir, 'errors.db') },
  server: { redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}' },
  poll: false,
  ...overrides,
})

beforeAll(async () => {
  kashflow = await startFakeKashflowServer({ port: 0 })
  process.env['OPAYO_KASHFLOW_KASHFLOW_PASSWORD'] = CREDENTIALS.password
  process.env['OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD'] = CREDENTIALS.memorableWord
})
afterAll(async () => {
  await kashflow.close()
  delete process.env['OPAYO_KASHFLOW_KASHFLOW_PASSWORD']
  delete process.env['OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD']
  rmSync(dir, { recursive: true, force: true })
})

describe('errors a person reads', () => {
  it("names the config key in words, not zod's default text, and links the config docs", async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(
      file,
      JSON.stringify(config({ posting: { bankAccountId: 'x', paymentMethodId: 0, colour: 1 } })),
    )
    const { code, stderr } = await run(['status', '--config', file])
    expect(code).toBe(2)
    expect(stderr).toContain('posting.bankAccountId: must be a number, not the text "x"')
    expect(stderr).toContain('posting.paymentMethodId: must be more than 0')
    expect(stderr).toContain('posting: has no setting "colour"')
    expect(stderr).not.toContain('Invalid input')
    expect(stderr).toMatch(/See docs\/running-the-sync-service\.md#configuration$/)
  })

  it('a flag error names the flag and links the CLI docs', async () => {
    const bad = await run(['status', '--frm', 'x'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/See docs\/running-the-sync-service\.md#the-cli$/)
    const file = join(dir, 'ok.json')
    writeFileSync(file, JSON.stringify(config()))
    const ports = await run(['fakes', '--port-kashflow', 'abc'])
    expect(ports.code).toBe(2)
    expect(ports.stderr).toContain('--port-kashflow must be a port number')
    expect(ports.stderr).toMatch(/See docs\/running-the-sync-service\.md#try-it-locally$/)
  })

  it('trigger refuses a config that is not on the loopback fakes', async () => {
    const file = join(dir, 'live.json')
    writeFileSync(file, JSON.stringify(config({ opayo: { vendorName: 'myshop', server: {} } })))
    const { code, stderr } = await run(['trigger', 'payment', '--config', file])
    expect(code).toBe(2)
    expect(stderr).toContain('trigger runs against the fakes only')
  })
})

describe('doctor', () => {
  it('prints the ids it found: bank account id, name and nominal code, payment method id and name', async () => {
    const file = join(dir, 'doctor.json')
    writeFileSync(file, JSON.stringify(config()))
    const text = await run(['doctor', '--config', file])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(
      'ok   bank account 55166: exists: "Current Account", nominal code 1200',
    )
    expect(text.stdout).toContain('ok   payment method 409844: exists: "Credit/Debit Card"')
    const json = await run(['doctor', '--json', '--config', file])
    expect(JSON.parse(json.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          found: { kind: 'bank-account', id: 55166, name: 'Current Account', nominalCode: 1200 },
        }),
        expect.objectContaining({
          found: { kind: 'payment-method', id: 409844, name: 'Credit/Debit Card' },
        }),
      ]),
    )
    writeFileSync(
      file,
      JSON.stringify(config({ posting: { bankAccountId: 1, paymentMethodId: 409844 } })),
    )
    const wrong = await run(['doctor', '--config', file])
    expect(wrong.stdout).toContain(
      'FAIL bank account 1: not found among the bank accounts (KashFlow has: 55166 "Current Account")',
    )
  })
})
