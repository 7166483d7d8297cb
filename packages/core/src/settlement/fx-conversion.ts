// The FX steps of planSettlement: each posting valued in the home currency, and the batch's fees
// valued at the payout's own rate when the batch is in another currency.
import { convert } from '../currency/convert.js'
import type { RateRecord } from '../currency/convert.js'
import { divideRounded, parseDecimal, pow10 } from '../internal/decimal.js'
import { minorUnitExponent } from '../money/currency.js'
import type { CurrencyCode } from '../money/currency.js'
import type { Money } from '../money/money.js'
import { issue } from '../result/issue.js'
import type { IssuePath } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { amountText } from './settlement-amounts.js'
import { deadLetter } from './settlement-context.js'
import type { SettlementContext, Step } from './settlement-context.js'

/**
 * Posted money in the home currency, at the rate KashFlow books it at (exact, half-even): either
 * direction of the rate, a KashFlow `ExchangeRate` being home -> foreign.
 * @example
 * const rate = { from: 'GBP', to: 'EUR', value: '1.1650', source: 'kashflow-invoice', at: '2026-11-02' } as const
 * const home = toHome(money(10000, 'EUR'), 'GBP', rate, [])
 * if (home.ok) console.log(home.value) // 8584n
 */
export function toHome(
  posted: Money,
  home: CurrencyCode,
  rate: RateRecord | undefined,
  path: IssuePath,
): Result<bigint> {
  if (posted.currency === home) return ok(BigInt(posted.amount))
  if (rate === undefined) {
    return err([
      issue(
        'missing_exchange_rate',
        [...path, 'rate'],
        `Posted in ${posted.currency}, but no ${posted.currency}/${home} rate was recorded.`,
      ),
    ])
  }
  if (rate.from === posted.currency && rate.to === home) {
    const converted = convert(posted, home, rate)
    return converted.ok ? ok(BigInt(converted.value.money.amount)) : converted
  }
  const decimal = parseDecimal(rate.value)
  if (
    rate.from === home &&
    rate.to === posted.currency &&
    decimal !== undefined &&
    decimal.units > 0n
  ) {
    // KashFlow's ExchangeRate direction: home = foreign / rate, done on integers.
    const numerator = BigInt(posted.amount) * pow10(decimal.scale) * pow10(minorUnitExponent(home))
    const denominator = decimal.units * pow10(minorUnitExponent(posted.currency))
    return ok(divideRounded(numerator, denominator, 'half-even'))
  }
  return err([
    issue(
      'currency_mismatch',
      [...path, 'rate'],
      `Rate ${rate.from}->${rate.to} cannot value ${posted.currency} in ${home}.`,
    ),
  ])
}

/**
 * The planned fees in the home currency: as they are when the batch is in the home currency (or
 * there are none), else at the payout's own rate (received / net, half-up); a dead letter when
 * that rate cannot be derived.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'EUR',
 *   gross: money(10000, 'EUR'), received: money(8400, 'GBP'), transactions: [{ transactionId: 'T1',
 *   kind: 'payment', amount: money(10000, 'EUR'), posted: { amount: money(10000, 'EUR') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net', maxRateDeviation: 5,
 *   monthEnd: 'deposit-date' } as const
 * const feesHome = feesInHome(ctx, { fee: 170n, net: 9830n, received: 8400n })
 * if ('next' in feesHome) console.log(feesHome.next) // 145n: €1.70 at the payout's £84.00/€98.30
 */
export function feesInHome(
  ctx: SettlementContext,
  figures: { readonly fee: bigint; readonly net: bigint; readonly received: bigint },
): Step<bigint> {
  const { batch, batchId, home } = ctx
  const { fee, net, received } = figures
  const currency = batch.currency
  if (currency === home || fee === 0n) return { next: fee }
  // The payout's own rate (received / net) prices the fees it deducted.
  if (net === 0n || (received !== 0n && received < 0n !== net < 0n)) {
    return deadLetter(ctx, [
      issue(
        'missing_exchange_rate',
        ['received'],
        `Batch ${batchId}: cannot derive the settlement rate from ${amountText(received, home)} received for a net of ${amountText(net, currency)}, so its fees cannot be valued in ${home}.`,
      ),
    ])
  }
  return { next: divideRounded(fee * received, net, 'half-up') }
}
