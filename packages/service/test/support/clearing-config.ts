// A clearing-mode config file for the CLI's tests: the fake KashFlow's ids (bank 55166, clearing
// 55170 on nominal 1210), a SQLite store beside it, no poller, and `settlement` extended with what
// the test is about (`charges`, `deposits`, ...).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes `{dir}/{name}.config.json` (its store `{dir}/{name}.db`) and returns its path. */
export function writeClearingConfig(
  dir: string,
  name: string,
  settlement: Readonly<Record<string, unknown>> = {},
): string {
  const path = join(dir, `${name}.config.json`)
  writeFileSync(
    path,
    JSON.stringify({
      opayo: { vendorName: 'myshop' },
      kashflow: { username: 'u', baseUrl: 'http://127.0.0.1:9/' },
      posting: { bankAccountId: 55166, paymentMethodId: 2, homeCurrency: 'GBP', mode: 'clearing' },
      references: ['INV-{invoice}-{*}'],
      server: { redirectUrl: 'https://shop.example/' },
      store: { sqlite: join(dir, `${name}.db`) },
      poll: false,
      settlement: {
        clearing: { bankAccountId: 55170, nominalCode: 1210 },
        bankNominalCode: 1200,
        feesNominalCode: 7901,
        fxNominalCode: 7906,
        ...settlement,
      },
    }),
  )
  return path
}
