// A bank statement downloaded as OFX (1.x SGML, leaf tags left open, or 2.x XML): the
// transactions of its statement (`<STMTTRN>` blocks) as bank statement lines, each with the id the
// bank gave it (`FITID`, unique within the account), so a line downloaded twice is one line.
import { lineIssue } from '../internal/csv.js'
import type { LineIssue } from '../internal/csv.js'
import { isCurrencyCode } from '../money/currency.js'
import { parseAmount } from '../money/money.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import type { BankStatementLine } from './bank-statement.js'

/** What {@link parseOfxStatement} read: the statement's currency and its transactions. */
export interface OfxStatement {
  /** `CURDEF`: the account's currency, every amount's. */
  readonly currency: string
  readonly lines: readonly BankStatementLine[]
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
}

/** A leaf element's text: `<TAG>value` (SGML) or `<TAG>value</TAG>` (XML), entities decoded. */
function leaf(block: string, tag: string): string | undefined {
  const found = new RegExp(`<${tag}>([^<]*)`, 'i').exec(block)?.[1]
  return found
    ?.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Reads an OFX statement download, all or nothing: the currency (`CURDEF`) and, per transaction
 * (`STMTTRN`), the day it was posted (`DTPOSTED`, the date as the bank states it, its time and
 * zone ignored), the signed amount (`TRNAMT`: money in positive) and the text (`NAME`, then
 * `MEMO`). Each line's id is `fitid:{FITID}`. A transaction whose date or amount does not read,
 * or that has no FITID, is an issue naming it and its line; no line is returned when there is
 * one. Only bank and credit card statements' transactions are read; balances are not. A file
 * holding more than one statement (several accounts) is refused: its lines would be mixed.
 * @example
 * const ofx = `OFXHEADER:100\nDATA:OFXSGML\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>GBP<BANKTRANLIST>
 * <STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261104120000[0:GMT]<TRNAMT>143.34<FITID>2026110401<NAME>ELAVON MERCH SVCS</STMTTRN>
 * </BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`
 * const read = parseOfxStatement(ofx)
 * if (read.ok) console.log(read.value.lines[0]?.id, read.value.lines[0]?.amount) // 'fitid:2026110401' { amount: 14334, currency: 'GBP' }
 */
export function parseOfxStatement(text: string): Result<OfxStatement, readonly LineIssue[]> {
  const lineAt = (index: number) => text.slice(0, index).split('\n').length
  const start = text.search(/<OFX>/i)
  if (start < 0)
    return err([lineIssue('invalid_type', 1, 'OFX', 'No <OFX> element: this is not an OFX file.')])
  // One account per file: its lines are all stored against one bank account.
  const statements = text.match(/<(CC)?STMTRS>/gi)?.length ?? 0
  if (statements > 1)
    return err([
      lineIssue(
        'invalid_type',
        lineAt(start),
        'STMTRS',
        `The file holds ${statements} statements (accounts); download one account's statement per file.`,
      ),
    ])
  const currency = leaf(text, 'CURDEF')?.toUpperCase()
  if (currency === undefined || !isCurrencyCode(currency))
    return err([
      lineIssue(
        'unknown_currency',
        lineAt(start),
        'CURDEF',
        `The statement's currency (CURDEF) is ${currency === undefined ? 'missing' : `"${currency}", not an ISO 4217 code`}.`,
      ),
    ])
  const issues: LineIssue[] = []
  const lines: BankStatementLine[] = []
  const seen = new Set<string>()
  let n = 0
  for (const match of text.matchAll(/<STMTTRN>([\s\S]*?)<\/STMTTRN>/gi)) {
    n += 1
    const block = match[1] ?? ''
    const line = lineAt(match.index)
    const what = `Transaction ${n}`
    const posted = /^(\d{4})(\d{2})(\d{2})/.exec(leaf(block, 'DTPOSTED') ?? '')
    const date = posted ? `${posted[1]}-${posted[2]}-${posted[3]}` : undefined
    const time = date === undefined ? Number.NaN : Date.parse(`${date}T00:00:00Z`)
    if (date === undefined || Number.isNaN(time) || !new Date(time).toISOString().startsWith(date))
      issues.push(
        lineIssue(
          'invalid_type',
          line,
          'DTPOSTED',
          `${what}: DTPOSTED "${leaf(block, 'DTPOSTED') ?? ''}" is not a date (YYYYMMDD...).`,
        ),
      )
    const amountText = leaf(block, 'TRNAMT') ?? ''
    const amount = parseAmount(amountText, currency)
    if (!amount.ok)
      issues.push(
        lineIssue(
          'invalid_amount',
          line,
          'TRNAMT',
          `${what}: TRNAMT "${amountText}" is not an amount.`,
        ),
      )
    const fitid = leaf(block, 'FITID')
    if (!fitid) issues.push(lineIssue('invalid_type', line, 'FITID', `${what} has no FITID.`))
    else if (seen.has(fitid))
      issues.push(
        lineIssue('invalid_type', line, 'FITID', `${what}: FITID "${fitid}" appears twice.`),
      )
    if (fitid) seen.add(fitid)
    if (date === undefined || !amount.ok || !fitid) continue
    const description = [leaf(block, 'NAME'), leaf(block, 'MEMO')]
      .filter((part): part is string => part !== undefined && part !== '')
      .join(' ')
    lines.push({ id: `fitid:${fitid}`, line, date, amount: amount.value, description })
  }
  return issues.length > 0 ? err(issues) : ok({ currency, lines })
}
