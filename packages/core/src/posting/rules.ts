import { z } from 'zod'
import { PostingRulesError } from '../errors/opayo-kashflow-error.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { issuesFromZod } from '../model/parse.js'

const Id = z.number().int().positive()

/**
 * What to post for each Opayo event. Plain data: read it, store it, test it.
 * Defaults are listed on each field.
 */
export const PostingRulesSchema = z
  .object({
    /**
     * The KashFlow account's home currency, when you configure it. Absent, it is KashFlow's own
     * setting (`kashflow.settings.homeCurrency()`), which the sync engine reads and passes to
     * planning as `PlanContext.homeCurrency`. Never assumed. @default none (KashFlow's setting)
     */
    homeCurrency: CurrencyCodeSchema.optional(),
    /** KashFlow bank account `Id` that card receipts land in (in `clearing` mode: the real bank). */
    bankAccountId: Id,
    /**
     * Where payments and refunds are posted: `direct` to `bankAccountId`, or `clearing` to
     * `clearingBankAccountId` (an "Opayo clearing" bank account emptied by one transfer per
     * settlement batch; see docs/accounting.md). @default 'direct'
     */
    mode: z.enum(['direct', 'clearing']).default('direct'),
    /** KashFlow bank account `Id` of the clearing account; required in `clearing` mode. */
    clearingBankAccountId: Id.optional(),
    /** KashFlow invoice payment method id for card payments. */
    paymentMethodId: Id,
    /**
     * How a refund is recorded. `negative-payment`: a negative payment on the invoice, marked as
     * an external refund; the invoice reopens (the customer appears to owe again).
     * `credit-note`: KashFlow's "full refund, invoice stays paid" flow (KashFlow KB
     * full-refund-of-a-payment-leaving-the-invoice-as-paid): a credit note for the same customer
     * (a negative invoice), and the refund money as a negative payment on that credit note from
     * the account the payment landed in, so invoice and credit note both end paid.
     * @default 'negative-payment'
     */
    refunds: z
      .enum(['negative-payment', 'credit-note'], {
        error: (issue) =>
          `must be "negative-payment" (a negative payment on the invoice, which reopens it) or "credit-note" (a credit note paid by the refund; the invoice stays paid), got ${JSON.stringify(issue.input)}`,
      })
      .default('negative-payment'),
    /**
     * A money movement whose vendorTxCode matches no invoice pattern: dead-letter it for a person,
     * or post it to a suspense nominal with a journal (debit bank, credit suspense).
     * @default { action: 'dead-letter' }
     */
    unmatchedReference: z
      .discriminatedUnion('action', [
        z.object({ action: z.literal('dead-letter') }),
        z.object({
          action: z.literal('suspense-journal'),
          suspenseNominalCode: Id,
          bankNominalCode: Id,
        }),
        /**
         * Shops that take payment first: the sync engine creates a KashFlow invoice for the
         * payment (one line of the amount paid on `nominalCode` at `vatRate`, VAT included), for
         * the customer upserted by the payer's email (else `customerCode`), with a deterministic
         * marker in its CustomerReference, then posts the payment to it, exactly once. Planning
         * alone (no engine) dead-letters such a payment as `unmatched_reference`.
         */
        z.object({
          action: z.literal('create-invoice'),
          /** The sales nominal code of the invoice line. */
          nominalCode: Id,
          /** The VAT rate in percent included in the amount paid. @default 0 */
          vatRate: z.number().min(0).max(100).default(0),
          /**
           * The VAT rates set up in KashFlow (`GET /vat/settings/vatrates`): a basket line is
           * posted only at one of these (or `vatRate`); a basket with a line at any other rate,
           * or a negative line, becomes one line of the amount paid at `vatRate`.
           * @default [0, 5, 20] (KashFlow's UK levels)
           */
          vatRates: z.array(z.number().min(0).max(100)).min(1).max(20).optional(),
          /** The customer to invoice when the payer gives no email. @default none (dead-lettered) */
          customerCode: z.string().min(1).optional(),
        }),
      ])
      .default({ action: 'dead-letter' }),
    /**
     * A void removes a same-day payment before settlement; if that payment was already posted it
     * must be reversed by hand. `dead-letter` surfaces it; `skip` ignores it. @default 'dead-letter'
     */
    voids: z.enum(['dead-letter', 'skip']).default('dead-letter'),
    /** Create or update the KashFlow customer from the payment's customer data. @default false */
    upsertCustomers: z.boolean().default(false),
    /**
     * A payment or capture larger than what its invoice still owes (read where the invoice is
     * read for planning; kashflow's `invoiceAmountOwed`): `dead-letter` posts nothing and parks it
     * as `overpayment` for a person, and so does an invoice whose amount owed cannot be told;
     * `post` posts it anyway. Bounds what a registration's amount (which the notification does not
     * carry) can put on an invoice. Refunds are not capped. @default 'dead-letter'
     */
    overpayments: z.enum(['dead-letter', 'post']).default('dead-letter'),
  })
  .superRefine((rules, ctx) => {
    if (rules.mode !== 'clearing') return
    if (rules.clearingBankAccountId === undefined)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['clearingBankAccountId'],
        message: 'clearing mode needs clearingBankAccountId (the Opayo clearing bank account)',
      })
    else if (rules.clearingBankAccountId === rules.bankAccountId)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['clearingBankAccountId'],
        message: 'the clearing account must not be the bank account',
      })
  })

/** Validated posting rules (every default filled in). */
export type PostingRules = z.output<typeof PostingRulesSchema>
/** Posting rules as a user writes them (defaults optional). */
export type PostingRulesInput = z.input<typeof PostingRulesSchema>

/**
 * Validates posting rules and fills defaults.
 * @throws {PostingRulesError} listing every problem.
 * @example definePostingRules({ bankAccountId: 1, paymentMethodId: 2 })
 * @example definePostingRules({ bankAccountId: 1, paymentMethodId: 2, mode: 'clearing', clearingBankAccountId: 7 })
 */
export function definePostingRules(input: PostingRulesInput): PostingRules {
  const parsed = PostingRulesSchema.safeParse(input)
  if (!parsed.success) throw new PostingRulesError(issuesFromZod(parsed.error))
  return parsed.data
}
