import { InvalidArgumentError, err, invertRate, issue, ok } from '@opayo-kashflow/core'
import type { CurrencyCode, RateRecord, Result } from '@opayo-kashflow/core'

/**
 * KashFlow's `ExchangeRate` for a foreign-currency document: foreign units per 1 unit of the
 * home currency, so `home = foreign / ExchangeRate` (KashFlow's own AUD purchase example, copied
 * in CappyTech/KashFlowAPI-CRON-ts docs/PurchasesRESTExample.json). Accepts a rate in either
 * direction between the home currency and the foreign one (core's `invertRate` turns it round).
 * @throws {InvalidArgumentError} when the rate does not involve the home currency.
 * @example toKashflowExchangeRate({ from: 'GBP', to: 'EUR', value: '1.165', source: 'ECB', at: '2026-11-02' }, 'GBP') // '1.165'
 */
export function toKashflowExchangeRate(rate: RateRecord, homeCurrency: CurrencyCode): string {
  if (rate.from === homeCurrency) return rate.value
  if (rate.to === homeCurrency) return invertRate(rate).value
  throw new InvalidArgumentError(
    `toKashflowExchangeRate(): rate ${rate.from}->${rate.to} does not involve home currency ${homeCurrency}.`,
  )
}

/**
 * The {@link RateRecord} (home -> foreign) that a KashFlow `ExchangeRate` stands for, with the
 * value as a plain decimal string (`2.0000` and `2` both give `'2'`) and source `'kashflow'`.
 * An issue when the rate is not a positive number.
 * @example fromKashflowExchangeRate({ homeCurrency: 'GBP', currency: 'EUR', exchangeRate: 1.165, at: '2026-11-01' }) // { ok: true, value: { from: 'GBP', to: 'EUR', value: '1.165', ... } }
 */
export function fromKashflowExchangeRate(input: {
  readonly homeCurrency: CurrencyCode
  readonly currency: CurrencyCode
  readonly exchangeRate: string | number
  readonly at: string
}): Result<RateRecord> {
  const value = positiveDecimal(input.exchangeRate)
  if (value === undefined) {
    return err([
      issue(
        'invalid_amount',
        ['exchangeRate'],
        `KashFlow ExchangeRate "${String(input.exchangeRate)}" is not a positive number.`,
      ),
    ])
  }
  return ok({
    from: input.homeCurrency,
    to: input.currency,
    value,
    source: 'kashflow',
    at: input.at,
  })
}

/**
 * A positive number or decimal string as a plain decimal string without redundant zeros
 * (`'0117.5000'` -> `'117.5'`); undefined when it is malformed, zero or negative. A number is
 * read to 15 significant digits, the digits a double holds exactly.
 */
function positiveDecimal(input: string | number): string | undefined {
  let text: string
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined
    text = String(Number(input.toPrecision(15)))
    if (/e/i.test(text)) text = input.toFixed(20).replace(/\.?0+$/, '')
  } else text = input.trim()
  const match = /^\+?(\d+)(?:\.(\d+))?$/.exec(text)
  if (!match) return undefined
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '')
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  if (/^0$/.test(whole) && fraction === '') return undefined
  return fraction === '' ? whole : `${whole}.${fraction}`
}
