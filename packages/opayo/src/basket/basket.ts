// An Opayo basket (the colon-separated `Basket` or the `BasketXML` sent at registration) as typed
// lines in integer minor units, so an invoice can be made from the order. Pure: no I/O.
//
// Both formats as omnipay-sagepay writes them (src/Message/AbstractRequest.php, getItemData and
// getItemDataNonXML, https://github.com/thephpleague/omnipay-sagepay):
//   Basket:    [number of lines]:[item name]:[quantity]:[unit cost]:[item tax]:[item total]:[line total]...
//   BasketXML: <basket><item><description/><quantity/><unitNetAmount/><unitTaxAmount/>
//              <unitGrossAmount/><totalGrossAmount/></item>...<discounts><discount><fixed/>
//              <description/></discount>...</discounts></basket>
import { err, issue, ok, parseAmount } from '@opayo-kashflow/core'
import type { CurrencyCode, Issue, Money, Result } from '@opayo-kashflow/core'
import { XMLParser } from 'fast-xml-parser'
import { BASKET_XML_DELIVERY_ELEMENTS } from './unconfirmed.js'

/** One line of an order. Amounts are in the transaction's currency, integer minor units. */
export interface BasketLine {
  readonly description: string
  /** Whole units (Opayo's quantity is an integer). */
  readonly quantity: number
  readonly unitNet: Money
  readonly unitTax: Money
  readonly unitGross: Money
  /** The line's total as the basket states it (quantity x unit gross). */
  readonly lineGross: Money
}

/** A fixed discount off the whole order (BasketXML `<discount><fixed>`). */
export interface BasketDiscount {
  readonly description: string
  readonly amount: Money
}

/** An order as Opayo was told it at registration. */
export interface OpayoBasket {
  readonly format: 'basket' | 'basketXml'
  readonly lines: readonly BasketLine[]
  readonly discounts: readonly BasketDiscount[]
  /** The delivery charge, gross, when the basket states one. */
  readonly delivery: Money | undefined
  /** Sum of the line totals plus delivery minus discounts: compare it with the amount paid. */
  readonly total: Money
}

const money = (amount: number, currency: CurrencyCode): Money => ({ amount, currency }) as Money

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'item' || name === 'discount',
})

/** An amount field, or an issue naming where it is. */
function amountAt(
  text: unknown,
  currency: CurrencyCode,
  path: (string | number)[],
  issues: Issue[],
): Money {
  if (typeof text !== 'string' || text === '') {
    issues.push(issue('missing_value', path, `${path.join('.')} is missing.`))
    return money(0, currency)
  }
  const parsed = parseAmount(text, currency)
  if (!parsed.ok) {
    issues.push(...parsed.issues.map((i) => ({ ...i, path })))
    return money(0, currency)
  }
  return parsed.value
}

function quantityAt(text: unknown, path: (string | number)[], issues: Issue[]): number {
  const value = typeof text === 'string' && /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(value) || value < 1) {
    issues.push(
      issue('invalid_type', path, `${path.join('.')} must be a whole number of at least 1.`),
    )
    return 0
  }
  return value
}

/** Checks quantity x unit gross = line gross, which a basket Opayo accepted always satisfies. */
function checkLine(line: BasketLine, index: number, issues: Issue[]): void {
  if (line.quantity > 0 && line.quantity * line.unitGross.amount !== line.lineGross.amount)
    issues.push(
      issue(
        'invalid_amount',
        ['lines', index, 'lineGross'],
        `Line ${index + 1}: ${line.quantity} x unit gross is not the line total.`,
      ),
    )
}

function totalOf(
  lines: readonly BasketLine[],
  discounts: readonly BasketDiscount[],
  delivery: Money | undefined,
  currency: CurrencyCode,
): Money {
  const items = lines.reduce((sum, l) => sum + l.lineGross.amount, 0)
  const off = discounts.reduce((sum, d) => sum + d.amount.amount, 0)
  return money(items + (delivery?.amount ?? 0) - off, currency)
}

/** The colon-separated `Basket`. */
function parseColonBasket(text: string, currency: CurrencyCode): Result<OpayoBasket> {
  const fields = text.split(':')
  const issues: Issue[] = []
  const count = Number(fields[0])
  if (!/^\d+$/.test(fields[0] ?? '') || count < 1)
    return err([
      issue('invalid_type', ['basket'], 'The basket must start with its number of lines.'),
    ])
  if (fields.length !== 1 + count * 6)
    return err([
      issue(
        'invalid_type',
        ['basket'],
        `The basket says ${count} line(s), so it needs ${1 + count * 6} colon-separated fields; it has ${fields.length}.`,
      ),
    ])
  const lines: BasketLine[] = []
  for (let i = 0; i < count; i += 1) {
    const [description, quantity, unitNet, unitTax, unitGross, lineGross] = fields.slice(
      1 + i * 6,
      7 + i * 6,
    )
    const at = (name: string) => ['lines', i, name]
    const line: BasketLine = {
      description: (description ?? '').trim(),
      quantity: quantityAt(quantity, at('quantity'), issues),
      unitNet: amountAt(unitNet, currency, at('unitNet'), issues),
      unitTax: amountAt(unitTax, currency, at('unitTax'), issues),
      unitGross: amountAt(unitGross, currency, at('unitGross'), issues),
      lineGross: amountAt(lineGross, currency, at('lineGross'), issues),
    }
    checkLine(line, i, issues)
    lines.push(line)
  }
  if (issues.length) return err(issues)
  return ok({
    format: 'basket',
    lines,
    discounts: [],
    delivery: undefined,
    total: totalOf(lines, [], undefined, currency),
  })
}

/** `BasketXML`. */
function parseXmlBasket(text: string, currency: CurrencyCode): Result<OpayoBasket> {
  let root: Record<string, unknown> | undefined
  try {
    const doc = xml.parse(text) as { basket?: unknown }
    // An empty <basket></basket> parses as ''.
    root =
      doc.basket === ''
        ? {}
        : typeof doc.basket === 'object' && doc.basket !== null
          ? (doc.basket as Record<string, unknown>)
          : undefined
  } catch {
    root = undefined
  }
  if (!root)
    return err([issue('invalid_type', ['basketXml'], 'BasketXML is not a <basket> document.')])
  const issues: Issue[] = []
  const items = (root.item ?? []) as Record<string, unknown>[]
  const lines = items.map((item, i): BasketLine => {
    const at = (name: string) => ['lines', i, name]
    const line: BasketLine = {
      description: typeof item.description === 'string' ? item.description : '',
      quantity: quantityAt(item.quantity, at('quantity'), issues),
      unitNet: amountAt(item.unitNetAmount, currency, at('unitNet'), issues),
      unitTax: amountAt(item.unitTaxAmount, currency, at('unitTax'), issues),
      unitGross: amountAt(item.unitGrossAmount, currency, at('unitGross'), issues),
      lineGross: amountAt(item.totalGrossAmount, currency, at('lineGross'), issues),
    }
    checkLine(line, i, issues)
    return line
  })
  if (lines.length === 0) issues.push(issue('missing_value', ['lines'], 'BasketXML has no <item>.'))
  const discountList = (
    typeof root.discounts === 'object' && root.discounts !== null
      ? ((root.discounts as Record<string, unknown>).discount ?? [])
      : []
  ) as Record<string, unknown>[]
  const discounts = discountList.map((d, i): BasketDiscount => ({
    description: typeof d.description === 'string' ? d.description : '',
    amount: amountAt(d.fixed, currency, ['discounts', i, 'fixed'], issues),
  }))
  const grossName = BASKET_XML_DELIVERY_ELEMENTS.gross
  const delivery =
    root[grossName] === undefined
      ? undefined
      : amountAt(root[grossName], currency, ['delivery'], issues)
  if (issues.length) return err(issues)
  return ok({
    format: 'basketXml',
    lines,
    discounts,
    delivery,
    total: totalOf(lines, discounts, delivery, currency),
  })
}

/**
 * Reads the basket a Server or Form transaction was registered with (`Basket` or `BasketXML`,
 * as sent) into typed lines, discounts, delivery and a total in integer minor units of
 * `currency`. Bad data is returned as issues naming the line and field, never thrown.
 * @example
 * const basket = parseOpayoBasket({ basket: '1:Widget:2:10.00:2.00:12.00:24.00' }, 'GBP')
 * if (basket.ok) basket.value.total // { amount: 2400, currency: 'GBP' }
 */
export function parseOpayoBasket(
  input: { readonly basket?: string | undefined; readonly basketXml?: string | undefined },
  currency: CurrencyCode,
): Result<OpayoBasket> {
  if (input.basketXml !== undefined && input.basketXml.trim() !== '')
    return parseXmlBasket(input.basketXml, currency)
  if (input.basket !== undefined && input.basket.trim() !== '')
    return parseColonBasket(input.basket.trim(), currency)
  return err([issue('missing_value', ['basket'], 'No Basket or BasketXML was given.')])
}
