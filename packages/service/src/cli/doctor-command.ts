// `doctor`: the credentials and the configured accounts, each check marked ok or FAIL, with the
// ids it found (bank account, payment method, clearing account) so they can be copied into the
// config file.
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import type { Command } from './command.js'
import type { ServiceConfig } from './config.js'
import { EXIT } from './command.js'
import { terminalLine } from './terminal-text.js'

/** What doctor found in KashFlow for a configured id (`null` where KashFlow gave no value). */
export type DoctorFound =
  | {
      readonly kind: 'bank-account'
      readonly id: number
      readonly name: string | null
      readonly nominalCode: number | null
    }
  | { readonly kind: 'payment-method'; readonly id: number; readonly name: string | null }

/** One check: ok or not, what it says, and what it found. */
export interface DoctorCheck {
  readonly check: string
  readonly ok: boolean
  readonly detail: string
  readonly found?: DoctorFound
}

type BankAccounts = Awaited<ReturnType<KashflowClient['bankAccounts']['list']>>

/** A configured bank account among those KashFlow lists: its id, name and nominal code, or a failure. */
function bankAccountCheck(accounts: BankAccounts, id: number): Omit<DoctorCheck, 'check'> {
  const account = accounts.find((a) => a.Id === id)
  if (!account) {
    const known = accounts.map((a) => `${a.Id} "${a.AccountName ?? ''}"`).join(', ')
    return {
      ok: false,
      detail: `not found among the bank accounts${known ? ` (KashFlow has: ${known})` : ''}`,
    }
  }
  return {
    ok: true,
    detail: `exists: "${account.AccountName ?? ''}", nominal code ${account.Code ?? 'unknown'}`,
    found: {
      kind: 'bank-account',
      id,
      name: account.AccountName ?? null,
      nominalCode: account.Code ?? null,
    },
  }
}

/** Runs the checks (the login first: without it the KashFlow checks are not run). */
async function doctorChecks(
  config: ServiceConfig,
  kashflow: KashflowClient,
  reporting: { version(): Promise<string> } | undefined,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = []
  let loginFailed = false
  const run = async (check: string, fn: () => Promise<Omit<DoctorCheck, 'check'>>) => {
    if (loginFailed && check !== 'Opayo Reporting API') {
      checks.push({ check, ok: false, detail: 'not checked: the KashFlow login failed' })
      return
    }
    try {
      checks.push({ check, ...(await fn()) })
    } catch (error) {
      checks.push({ check, ok: false, detail: (error as Error).message })
    }
  }
  let accounts: BankAccounts = []
  await run('KashFlow login', async () => {
    accounts = await kashflow.bankAccounts.list()
    return { ok: true, detail: `${accounts.length} bank account(s)` }
  })
  loginFailed = checks[0]?.ok === false
  await run(`bank account ${config.posting.bankAccountId}`, () =>
    Promise.resolve(bankAccountCheck(accounts, config.posting.bankAccountId)),
  )
  const clearing = config.posting.mode === 'clearing' ? config.settlement?.clearing : undefined
  if (clearing)
    await run(`clearing account ${clearing.bankAccountId}`, () =>
      Promise.resolve(bankAccountCheck(accounts, clearing.bankAccountId)),
    )
  await run(`payment method ${config.posting.paymentMethodId}`, async () => {
    const methods = await kashflow.paymentMethods.list()
    const method = methods.find((m) => m.Id === config.posting.paymentMethodId)
    if (!method) {
      const known = methods.map((m) => `${m.Id} "${m.Name ?? ''}"`).join(', ')
      return {
        ok: false,
        detail: `not found among the invoice payment methods${known ? ` (KashFlow has: ${known})` : ''}`,
      }
    }
    return {
      ok: true,
      detail: `exists: "${method.Name ?? ''}"`,
      found: { kind: 'payment-method', id: method.Id, name: method.Name ?? null },
    }
  })
  if (config.posting.suspense) {
    const { suspenseNominalCode, bankNominalCode } = config.posting.suspense
    await run(`nominal codes ${suspenseNominalCode}, ${bankNominalCode}`, async () => {
      const codes = new Set((await kashflow.nominals.list()).map((n) => n.Code))
      const missing = [suspenseNominalCode, bankNominalCode].filter((c) => !codes.has(c))
      return missing.length
        ? { ok: false, detail: `missing: ${missing.join(', ')}` }
        : { ok: true, detail: 'exist' }
    })
  }
  if (config.customFields.some((c) => c.target === 'customer')) {
    await run('customer custom fields', () =>
      Promise.resolve({
        ok: true,
        detail:
          'KashFlow does not list custom field definitions; create one customer by hand and check the names match',
      }),
    )
  }
  if (reporting)
    await run('Opayo Reporting API', async () => ({
      ok: true,
      detail: `version ${await reporting.version()}`,
    }))
  return checks
}

/**
 * `doctor`: the credentials and the configured accounts, each check marked ok or FAIL, with the
 * ids found (bank account id, name and nominal code; payment method id and name; the clearing
 * account in clearing mode), in text and `--json`.
 */
export const doctorCommand: Command = {
  needs: 'service',
  subcommands: [],
  async run({ config, built: { kashflow, reporting }, print }) {
    const checks = await doctorChecks(config, kashflow, reporting)
    print(checks, () =>
      checks
        .map((c) => terminalLine(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`))
        .join('\n'),
    )
    await kashflow.logout()
    return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failed
  },
}
