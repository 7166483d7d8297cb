// Issue 19, finding 6: text others control (a resolve reason, a dead letter's error, a cell of a
// fee statement, a vendorTxCode) reaches the operator's terminal. Its control characters are
// printed as visible escapes, never run: no ESC, no C1 CSI, no BEL, and no line of its own.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventRecord, SyncAdmin } from '@opayo-kashflow/sync'
import { describe, expect, it } from 'vitest'
import { deadLettersCommand } from '../src/cli/admin-commands.js'
import type { CommandContext } from '../src/cli/command.js'
import { main } from '../src/cli/main.js'
import { terminalLine, terminalText } from '../src/cli/terminal-text.js'

// OSC title, CSI clear screen (7-bit and C1), BEL, a bidi override and a forged line.
const HOSTILE = 'ok\u001b]0;pwned\u0007\u001b[2J\u009b2J\u202e\r\nFORGED: all clear'
// Any raw control character a terminal would act on.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const capture = () => {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } }
}

describe('terminal text', () => {
  it('prints every control character as its visible \\u escape', () => {
    expect(terminalLine(HOSTILE)).not.toMatch(RAW_CONTROL)
    expect(terminalLine(HOSTILE)).not.toContain('\n')
    expect(terminalLine('a\u001b[31mb')).toBe('a\\u001b[31mb')
    expect(terminalText('one\ntwo\u009b')).toBe('one\ntwo\\u009b')
    // --json output stays JSON with the same value.
    const json = JSON.stringify({ reason: HOSTILE })
    expect(JSON.parse(terminalText(json))).toEqual({ reason: HOSTILE })
  })

  it('escapes the cells of a fee statement named in `fees import` problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ok-terminal-'))
    const config = join(dir, 'config.json')
    writeFileSync(
      config,
      JSON.stringify({
        opayo: { vendorName: 'myshop' },
        kashflow: { username: 'u' },
        posting: { bankAccountId: 1, paymentMethodId: 2 },
        references: ['INV-{invoice}-{*}'],
        server: { redirectUrl: 'https://shop.example/' },
        store: { sqlite: join(dir, 'store.db') },
      }),
    )
    const file = join(dir, 'statement.csv')
    writeFileSync(file, `batch_id,fee,currency\n1001,-${HOSTILE.replace(/[\r\n,]/g, '')},GBP\n`)
    const { err, io } = capture()
    expect(await main(['fees', 'import', file, '--config', config], io)).toBe(1)
    const printed = err.join('\n')
    expect(printed).toContain('\\u001b]0;pwned\\u0007')
    expect(printed).not.toMatch(RAW_CONTROL)
  })

  it('escapes dead-letter reasons, error messages and resolutions in `dead-letters list` and `show`', async () => {
    const event = {
      id: 'opayo:X:payment',
      payment: {},
      fingerprint: 'f',
      state: 'dead',
      attempts: 1,
      nextAttemptAt: 0,
      partition: undefined,
      lastError: { name: 'Error', message: HOSTILE },
      reason: HOSTILE,
      detail: undefined,
      createdAt: 0,
      updatedAt: 0,
      claimedBy: undefined,
      leaseUntil: undefined,
    } as unknown as EventRecord
    const admin = {
      deadLetters: {
        list: () => Promise.resolve([event]),
        get: () =>
          Promise.resolve({
            event,
            attempts: [
              {
                eventId: event.id,
                at: 0,
                from: 'pending',
                to: 'dead',
                outcome: 'dead',
                error: { name: 'Error', message: HOSTILE },
              },
            ],
            ledger: [
              {
                eventId: event.id,
                marker: 'RESOLVE:1',
                kind: 'resolution',
                state: 'done',
                request: { invoiceNumber: 1042, by: HOSTILE, reason: HOSTILE, at: 0 },
              },
            ],
          }),
      },
    } as unknown as SyncAdmin
    for (const sub of ['list', 'show']) {
      const { out, io } = capture()
      const ctx = {
        sub,
        args: sub === 'show' ? [event.id] : [],
        options: { config: '', json: false, 'dry-run': false },
        io,
        print: (_value: unknown, text: () => string) => io.out(text()),
        date: () => new Date(0),
        admin,
      } as CommandContext & { admin: SyncAdmin }
      expect(await deadLettersCommand.run(ctx as never)).toBe(0)
      const printed = out.join('\n')
      expect(printed, sub).toContain('\\u001b]0;pwned\\u0007')
      expect(printed, sub).not.toMatch(RAW_CONTROL)
      // The reason cannot forge a line of its own.
      expect(printed.split('\n').filter((l) => l.startsWith('FORGED'))).toEqual([])
    }
  })
})
