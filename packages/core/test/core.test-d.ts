import { describe, expectTypeOf, it } from 'vitest'
import { money, parseAmount, planPostings } from '../src/index.js'
import type {
  CanonicalPayment,
  CurrencyCode,
  InvoiceNumber,
  MinorUnits,
  Money,
  PaymentPath,
  PostingIntent,
  Result,
} from '../src/index.js'

describe('public types', () => {
  it('brands minor units so major-unit numbers cannot pass as money', () => {
    expectTypeOf(money(1, 'GBP')).toEqualTypeOf<Money>()
    expectTypeOf<Money['amount']>().toEqualTypeOf<MinorUnits>()
    // @ts-expect-error a plain number is not MinorUnits
    const bad: Money = { amount: 12.34, currency: 'GBP' }
    void bad
  })

  it('types currency codes as the ISO 4217 union', () => {
    expectTypeOf<'GBP'>().toExtend<CurrencyCode>()
    expectTypeOf<'XYZ'>().not.toExtend<CurrencyCode>()
  })

  it('returns Results from parsers', () => {
    expectTypeOf(parseAmount('1', 'GBP')).toEqualTypeOf<Result<Money>>()
  })

  it('brands invoice numbers', () => {
    expectTypeOf<number>().not.toExtend<InvoiceNumber>()
  })

  it('discriminates posting intents on kind', () => {
    expectTypeOf(planPostings).returns.toEqualTypeOf<PostingIntent[]>()
    type Kinds = PostingIntent['kind']
    expectTypeOf<Kinds>().toEqualTypeOf<
      'invoice-payment' | 'invoice-refund' | 'journal' | 'customer-upsert' | 'skip' | 'dead-letter'
    >()
    const narrow = (intent: PostingIntent) => {
      if (intent.kind === 'invoice-payment')
        expectTypeOf(intent.invoiceNumber).toEqualTypeOf<InvoiceNumber>()
    }
    void narrow
  })

  it('offers the payment paths custom fields may read', () => {
    expectTypeOf<'risk.fraud.score'>().toExtend<PaymentPath>()
    expectTypeOf<'source.transactionId'>().toExtend<PaymentPath>()
    expectTypeOf<'extra.GiftAid'>().toExtend<PaymentPath>()
    expectTypeOf<'risk.fraud.colour'>().not.toExtend<PaymentPath>()
  })

  it('keeps CanonicalPayment data readonly where it is public', () => {
    expectTypeOf<CanonicalPayment['kind']>().toEqualTypeOf<
      'payment' | 'refund' | 'authorisation' | 'capture' | 'void' | 'cancel'
    >()
  })
})
