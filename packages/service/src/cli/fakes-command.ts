// `opayo-kashflow fakes`: the fake Opayo and the fake KashFlow on loopback, seeded with invoices,
// customers, a bank account and a payment method, with a config file that points `serve` at them
// and the secrets it expects. Runs until SIGINT or SIGTERM. The fakes only ever listen on
// 127.0.0.1 (the testkit's serveFetch) and only post notifications to loopback addresses.
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import type { CommandContext, ExitCode } from './command.js'
import { EXIT } from './command.js'
import { ConfigError, SECRET_ENV } from './config.js'

/** The vendor, Reporting user and KashFlow user the fakes accept (the testkit's defaults). */
export const FAKE_ACCOUNTS = {
  vendorName: 'sandbox',
  reporting: { vendor: 'sandbox', user: 'reporter', password: 'secret' },
  kashflow: { username: 'accounts@example.co.uk', password: 's3cret', memorableWord: 'pineapple' },
} as const

/** What a `--seed` file may hold: invoices, customers, bank accounts and payment methods. */
export const FakesSeedSchema = z.strictObject({
  invoices: z
    .array(
      z.strictObject({
        number: z.number().int().positive(),
        gross: z.number().positive(),
        customerCode: z.string().min(1).optional(),
        currency: z.string().length(3).optional(),
      }),
    )
    .default([]),
  customers: z
    .array(z.looseObject({ Code: z.string().min(1), Name: z.string().min(1) }))
    .default([]),
  bankAccounts: z
    .array(
      z.strictObject({
        Id: z.number().int().positive(),
        AccountName: z.string().min(1),
        Code: z.number().int().positive(),
      }),
    )
    .min(1)
    .default([{ Id: 55166, AccountName: 'Current Account', Code: 1200 }]),
  paymentMethods: z
    .array(z.strictObject({ Id: z.number().int().positive(), Name: z.string().min(1) }))
    .min(1)
    .default([{ Id: 409844, Name: 'Credit/Debit Card' }]),
})
export type FakesSeed = z.output<typeof FakesSeedSchema>

/** The invoices seeded when neither `--invoices` nor `--seed` is given. */
const DEFAULT_INVOICES = '1042:120.00,1043:50.00,1044:99.50'

/**
 * `--invoices 1042:120.00,1043:50.00` as invoice seeds (number and gross in major units).
 * @example parseInvoicesFlag('1042:120.00') // [{ number: 1042, gross: 120 }]
 */
export function parseInvoicesFlag(text: string): { number: number; gross: number }[] {
  return text.split(',').map((pair) => {
    const match = /^\s*(\d+):(\d+(?:\.\d{1,2})?)\s*$/.exec(pair)
    if (!match?.[1] || !match[2] || Number(match[1]) <= 0 || Number(match[2]) <= 0)
      throw new ConfigError(
        `--invoices takes NUMBER:AMOUNT pairs separated by commas, such as 1042:120.00,1043:50.00 (got "${pair}").`,
        { docs: 'local' },
      )
    return { number: Number(match[1]), gross: Number(match[2]) }
  })
}

/** The seed from `--seed FILE` or `--invoices`, with a customer for every invoice's code. */
function seedFrom(options: CommandContext['options']): FakesSeed {
  if (options.seed !== undefined && options.invoices !== undefined)
    throw new ConfigError('Give --invoices or --seed, not both.', { docs: 'local' })
  let raw: unknown = { invoices: parseInvoicesFlag(options.invoices ?? DEFAULT_INVOICES) }
  if (options.seed !== undefined) {
    try {
      raw = JSON.parse(readFileSync(options.seed, 'utf8'))
    } catch (error) {
      throw new ConfigError(`--seed: cannot read ${options.seed}: ${(error as Error).message}`, {
        docs: 'local',
      })
    }
  }
  const parsed = FakesSeedSchema.safeParse(raw)
  if (!parsed.success)
    throw new ConfigError(
      `--seed ${String(options.seed)} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
      { docs: 'local' },
    )
  const seed = parsed.data
  const codes = new Set(seed.customers.map((c) => c.Code))
  const missing = [...new Set(seed.invoices.map((i) => i.customerCode ?? 'CUST01'))].filter(
    (code) => !codes.has(code),
  )
  return {
    ...seed,
    customers: [
      ...seed.customers,
      ...missing.map((Code) => ({ Code, Name: `Customer ${Code}`, Email: 'shopper@example.com' })),
    ],
  }
}

/** A port flag: a whole number from 0 (any free port) to 65535. */
function portOf(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535)
    throw new ConfigError(`--${flag} must be a port number from 0 to 65535 (got "${value}").`, {
      docs: 'local',
    })
  return port
}

/** A free loopback port for `serve` (for `--port-serve 0`). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The config `serve` and `trigger` run with against the fakes. */
export function fakesConfig(input: {
  readonly kashflowUrl: string
  readonly reportingUrl: string
  readonly serverRegisterUrl: string
  readonly servePort: number
  readonly seed: FakesSeed
}): Record<string, unknown> {
  const [bank] = input.seed.bankAccounts
  const [method] = input.seed.paymentMethods
  return {
    opayo: {
      vendorName: FAKE_ACCOUNTS.vendorName,
      environment: input.reportingUrl,
      reportingUser: FAKE_ACCOUNTS.reporting.user,
      server: { environment: input.serverRegisterUrl },
    },
    kashflow: { username: FAKE_ACCOUNTS.kashflow.username, baseUrl: input.kashflowUrl },
    posting: { bankAccountId: bank?.Id, paymentMethodId: method?.Id },
    references: ['INV-{invoice}-{*}'],
    store: { sqlite: './opayo-kashflow.db' },
    server: {
      host: '127.0.0.1',
      port: input.servePort,
      redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    },
    poll: false,
  }
}

/** The secrets the fakes' config expects, as `export NAME=value` lines. */
export const FAKES_ENV: Readonly<Record<string, string>> = {
  [SECRET_ENV.kashflowPassword]: FAKE_ACCOUNTS.kashflow.password,
  [SECRET_ENV.kashflowMemorableWord]: FAKE_ACCOUNTS.kashflow.memorableWord,
  [SECRET_ENV.reportingPassword]: FAKE_ACCOUNTS.reporting.password,
}

/** `fakes`: starts both fakes, prints (or writes) the config and the env, waits for a signal. */
export async function runFakesCommand({ options, io }: CommandContext): Promise<ExitCode> {
  const seed = seedFrom(options)
  const kashflowPort = portOf('port-kashflow', options['port-kashflow'], 4010)
  const opayoPort = portOf('port-opayo', options['port-opayo'], 4011)
  const servePort = portOf('port-serve', options['port-serve'], 8080) || (await freePort())
  // Loaded only here: no other command loads the fakes.
  const { startFakeKashflowServer, startFakeOpayoServer } = await import('@opayo-kashflow/testkit')
  const kashflow = await startFakeKashflowServer({
    port: kashflowPort,
    seed: {
      // As the demo runs it: a refund is a negative invoice payment line, which the fake refuses
      // by default (no public source shows KashFlow accepting one; see FakeKashflowUnconfirmed).
      unconfirmed: { negativeBulkAmounts: 'accepted' },
      invoices: seed.invoices.map((i) => ({
        number: i.number,
        gross: i.gross,
        ...(i.customerCode ? { customerCode: i.customerCode } : {}),
        ...(i.currency ? { currency: i.currency } : {}),
      })),
      customers: seed.customers,
      bankAccounts: seed.bankAccounts,
      paymentMethods: seed.paymentMethods,
    },
  })
  const opayo = await startFakeOpayoServer({
    port: opayoPort,
    options: { vendorName: FAKE_ACCOUNTS.vendorName, reporting: FAKE_ACCOUNTS.reporting },
  })
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const config = JSON.stringify(
    fakesConfig({
      kashflowUrl: kashflow.url,
      reportingUrl: opayo.reportingUrl,
      serverRegisterUrl: opayo.serverRegisterUrl,
      servePort,
      seed,
    }),
    null,
    2,
  )
  const env = Object.entries(FAKES_ENV).map(([name, value]) => `export ${name}=${value}`)
  if (options['write-config'] !== undefined) {
    writeFileSync(options['write-config'], `${config}\n`)
    io.out(`Wrote the config for serve to ${options['write-config']}.`)
  } else {
    io.out('The config for serve (save it as opayo-kashflow.config.json):')
    io.out(config)
  }
  io.out('The secrets it expects, in the shell that runs serve and trigger:')
  io.out(env.join('\n'))
  io.out(
    `Fake KashFlow on ${kashflow.url} (invoices ${seed.invoices.map((i) => `${i.number} ${i.gross.toFixed(2)}`).join(', ') || 'none'}); fake Opayo on ${new URL(opayo.reportingUrl).origin}. Ready; Ctrl-C stops them.`,
  )
  await stopped
  await Promise.all([kashflow.close(), opayo.close()])
  return EXIT.ok
}
