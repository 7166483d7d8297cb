// An independent trial balance: built only from what the fake KashFlow holds (every invoice
// payment line, every invoice or credit note with lines, every journal and every bank transaction
// this tool created), never from the engine's own totals.
import type { FakeKashflow } from '@opayo-kashflow/testkit'

/** KashFlow's default debtors (sales ledger control) nominal: the other side of a payment. */
export const DEBTORS_NOMINAL = 1100
/** The VAT control nominal the balance posts line VAT to (this suite's chart, as KashFlow's default). */
export const VAT_NOMINAL = 2200

/**
 * Where a bank line's VAT is kept: on a line of its own keyed `'VAT'`, not a nominal code, because
 * which VAT nominal KashFlow posts a bank line's VAT to is not in any public source we have.
 */
export const VAT = 'VAT'

/** A line this tool wrote: its `Comment` starts with one of our markers (`OPAYO-CHARGE:...`). */
const OURS = /^OPAYO-[A-Z]+:\S+/

const minor = (major: number) => Math.round(major * 100)

/**
 * Balances per nominal code in minor units (debit positive, credit negative) from the fake's
 * state: a payment line debits its bank account's nominal and credits debtors (a refund, a
 * negative line, the reverse); an invoice with lines (seeded with lines or created through
 * `POST /invoices`) debits debtors its gross and credits each line's nominal its net and VAT
 * control its VAT, so a credit note (negative lines) debits sales and VAT and credits debtors
 * (invoices seeded without lines are left out: their nominals are not known); each journal line
 * adds its debit and subtracts its credit; a bank transaction this tool created (its `Comment`
 * starts with an `OPAYO-...:` marker; lines the bank feed brought in are the bank's statement, not
 * postings) credits its bank account's nominal by
 * `PaidOut` and debits the nominal in `TransactionType` by `PaidOut` less `VATAmount` and
 * `'VAT'` by `VATAmount` (`PaidIn`, the reverse). Home-currency (GBP) amounts only.
 */
export function trialBalance(fake: FakeKashflow): Map<number | typeof VAT, number> {
  const balances = new Map<number | typeof VAT, number>()
  const add = (nominal: number | typeof VAT, amount: number) =>
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
  for (const [accountId, lines] of fake.bankTransactions)
    for (const line of lines) {
      if (!OURS.test(line.Comment)) continue
      if (line.TransactionType <= 0)
        throw new Error(`bank line ${line.Id} (${line.Comment}) has no TransactionType`)
      const out = minor(line.PaidOut) - minor(line.PaidIn)
      const vat = minor(line.VATAmount) * Math.sign(out)
      add(nominalOf(accountId), -out)
      add(line.TransactionType, out - vat)
      if (vat !== 0) add(VAT, vat)
    }
  const total = [...balances.values()].reduce((a, b) => a + b, 0)
  if (total !== 0) throw new Error(`the trial balance does not balance: ${total} minor units`)
  return balances
}
