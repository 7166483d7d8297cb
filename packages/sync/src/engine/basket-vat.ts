// Which basket lines can become KashFlow invoice lines, and at which VAT level. A basket is what
// the shop told Opayo at registration: whoever can register can put anything in it (a negative
// line, a VAT of 5,000 %). KashFlow takes only non-negative amounts and a `VATLevel` that is one of
// the account's own rates (kashflow.md §5.5), so a line outside those makes the create refuse and
// the payment dead-letter. Such a basket is not used: the invoice gets one line of the amount paid
// at the configured rate instead.

/** KashFlow's UK VAT levels (zero, reduced, standard): the allowed rates when none are configured. */
export const DEFAULT_KASHFLOW_VAT_RATES: readonly number[] = [0, 5, 20]

/**
 * The VAT rates a basket line may be posted at: the configured list (else KashFlow's UK levels)
 * and the rule's own rate.
 * @example allowedVatRates({ vatRate: 20 }) // [0, 5, 20]
 */
export function allowedVatRates(rule: {
  readonly vatRate: number
  readonly vatRates?: readonly number[] | undefined
}): number[] {
  return [...new Set([...(rule.vatRates ?? DEFAULT_KASHFLOW_VAT_RATES), rule.vatRate])]
}

/**
 * The allowed rate a basket line's unit net and unit tax (minor units) were taxed at, allowing
 * the basket's own rounding of the unit tax (one minor unit either way); the nearest when more
 * than one fits. Undefined when the line cannot be posted: a negative or non-integer amount, or a
 * tax no allowed rate explains.
 * @example vatLevelOf({ unitNet: 1000, unitTax: 200 }, [0, 5, 20]) // 20
 * @example vatLevelOf({ unitNet: 100, unitTax: 5000 }, [0, 5, 20]) // undefined
 */
export function vatLevelOf(
  line: { readonly unitNet: number; readonly unitTax: number },
  allowed: readonly number[],
): number | undefined {
  const { unitNet, unitTax } = line
  if (!Number.isSafeInteger(unitNet) || !Number.isSafeInteger(unitTax)) return undefined
  if (unitNet < 0 || unitTax < 0) return undefined
  const exact = unitNet === 0 ? 0 : (unitTax / unitNet) * 100
  let best: number | undefined
  for (const rate of allowed) {
    if (!(Number.isFinite(rate) && rate >= 0 && rate <= 100)) continue
    if (Math.abs(unitTax - (unitNet * rate) / 100) > 1) continue
    if (best === undefined || Math.abs(rate - exact) < Math.abs(best - exact)) best = rate
  }
  return best
}
