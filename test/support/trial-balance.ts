// An independent trial balance: built only from what the fake KashFlow holds (every invoice
// payment line, every invoice or credit note with lines, and every journal it received), never
// from the engine's own totals.
import type { FakeKashflow } from '@opayo-kashflow/testkit'

/** KashFlow's default debtors (sales ledger control) nominal: the other side of a payment. */
export const DEBTORS_NOMINAL = 1100
/** The VAT control nominal the balance posts line VAT to (this suite's chart, as KashFlow's default). */
export const VAT_NOMINAL = 2200

const minor = (major: number) => Math.round(major * 100)

/**
 * Balances per nominal code in minor units (debit positive, credit negative) from the fake's
 * state: a payment line debits its bank account's nominal and credits debtors (a refund, a
 * negative line, the reverse); an invoice with lines (seeded with lines or created through
 * `POST /invoices`) debits debtors its gross and credits each line's nominal its net and VAT
 * control its VAT, so a credit note (negative lines) debits sales and VAT and credits debtors;
 * each journal line adds its debit and subtracts its credit. Invoices seeded without lines are
 * left out (their nominals are not known). Home-currency (GBP) amounts only.
 */
export function trialBalance(fake: FakeKashflow): Map<number, number> {
  const balances = new Map<number, number>()
  const add = (nominal: number, amount: number) =>
    balances.set(nominal, (balances.get(nominal) ?? 0) + amount)
  const nominalOf = (bankAccountId: number) => {
    const account = fake.bankAccounts.find((a) => a.Id === bankAccountId)
    if (!account) throw new Error(`a payment line names bank account ${bankAccountId}, unknown`)
    return account.Code
  }
  for (const invoice of fake.invoices.values())
    for (const line of invoice.PaymentLines) {
      add(nominalOf(line.AccountId), minor(line.Amount))
      add(DEBTORS_NOMINAL, -minor(line.Amount))
    }
  for (const invoice of fake.invoices.values()) {
    if (!invoice.LineItems) continue
    add(DEBTORS_NOMINAL, minor(invoice.GrossAmount))
    for (const line of invoice.LineItems as {
      Quantity: number
      Rate: number
      VATAmount?: number
      NominalCode: number
    }[]) {
      add(line.NominalCode, -minor(line.Quantity * line.Rate))
      add(VAT_NOMINAL, -minor(line.VATAmount ?? 0))
    }
  }
  for (const journal of fake.journals.values()) {
    const lines = (journal['LineItems'] ?? []) as {
      NominalCode: number
      Debit: number
      Credit: number
    }[]
    for (const line of lines) add(line.NominalCode, minor(line.Debit) - minor(line.Credit))
  }
  const total = [...balances.values()].reduce((a, b) => a + b, 0)
  if (total !== 0) throw new Error(`the trial balance does not balance: ${total} minor units`)
  return balances
}
