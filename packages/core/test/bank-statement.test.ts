import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, matchDeposit, money, parseBankStatement } from '../src/index.js'
import type { BankStatementLine } from '../src/index.js'
import {
  LLOYDS_COLUMNS,
  LLOYDS_CSV,
  NATWEST_COLUMNS,
  NATWEST_CSV,
} from './fixtures/bank-statements.js'

const lines = (csv: string, columns: Parameters<typeof parseBankStatement>[1]) => {
  const read = parseBankStatement(csv, columns)
  if (!read.ok) throw new Error(read.issues.map((i) => i.message).join('; '))
  return read.value
}
const brief = (l: BankStatementLine) => [l.line, l.date, l.amount.amount, l.description]

describe('parseBankStatement', () => {
  it("reads Lloyds' two positive columns: money in positive, money out negative", () => {
    expect(lines(LLOYDS_CSV, LLOYDS_COLUMNS).map(brief)).toEqual([
      [2, '2026-11-04', 14334, 'ELAVON MERCH SVCS'],
      [3, '2026-11-05', -2160, 'ELAVON FEES'],
      [4, '2026-11-05', 102000, 'SMITH, J REF 55'],
    ])
  })

  it("reads NatWest's one signed column after a line before the header", () => {
    expect(lines(NATWEST_CSV, NATWEST_COLUMNS).map(brief)).toEqual([
      [3, '2026-11-03', 965, 'ELAVON MERCH SVCS'],
      [3 + 1, '2026-11-03', -3000, 'ELAVON CHARGEBACK'],
    ])
  })

  it('gives a line the same id in two overlapping exports, and alike lines their own', () => {
    const [, header, deposit] = NATWEST_CSV.split('\n')
    const first = lines(`${header}\n${deposit}\n`, NATWEST_COLUMNS)
    const second = lines(`${header}\n${deposit}\n${deposit}\n`, NATWEST_COLUMNS)
    expect(second[0]?.id).toBe(first[0]?.id)
    expect(second[1]?.id).not.toBe(second[0]?.id)
    expect(new Set(second.map((l) => l.id)).size).toBe(2)
    // The description counts, without case or repeated spaces.
    const other = lines(`${header}\n${deposit?.replace('ELAVON', 'elavon  ')}\n`, NATWEST_COLUMNS)
    const renamed = lines(`${header}\n${deposit?.replace('ELAVON', 'STRIPE')}\n`, NATWEST_COLUMNS)
    expect(other[0]?.id).toBe(first[0]?.id)
    expect(renamed[0]?.id).not.toBe(first[0]?.id)
  })

  it('reads ISO dates, £ signs and amounts in brackets', () => {
    const csv = 'Posted,Amount,Memo\n2026-11-04,£143.34,a\n2026-11-05,(21.60),b\n'
    const read = lines(csv, {
      date: 'posted',
      amount: 'AMOUNT',
      dateFormat: 'YYYY-MM-DD',
      currency: 'GBP',
    })
    expect(read.map((l) => [l.date, l.amount.amount, l.description])).toEqual([
      ['2026-11-04', 14334, ''],
      ['2026-11-05', -2160, ''],
    ])
  })

  it('skips empty lines and lines with no amount (a balance brought forward)', () => {
    const csv = 'Date,Amount\n01/11/2026,\n\n02/11/2026,5.00\n'
    expect(lines(csv, { date: 'Date', amount: 'Amount', currency: 'GBP' }).map(brief)).toEqual([
      [4, '2026-11-02', 500, ''],
    ])
  })

  it('reports every bad line, and returns no line at all when one is bad', () => {
    const csv = [
      'Date,Paid in,Paid out',
      '31/02/2026,1.00,',
      '01/11/2026,abc,',
      '02/11/2026,1.00,2.00',
      '03/11/2026,1.005,',
      '04/11/2026,9.99,',
      '05/11/2026,-1.00,',
      '06/11/2026,,-2.00',
    ].join('\n')
    const read = parseBankStatement(csv, {
      date: 'Date',
      paidIn: 'Paid in',
      paidOut: 'Paid out',
      currency: 'GBP',
    })
    expect(read.ok).toBe(false)
    if (read.ok) return
    // Money out written negative is money out; money in written negative is an issue.
    expect(read.issues.map((i) => i.line)).toEqual([2, 3, 4, 5, 7])
    expect(read.issues[4]?.message).toMatch(/money-in column is negative/)
    expect(read.issues[0]?.message).toBe('Line 2: "31/02/2026" is not a date written DD/MM/YYYY.')
    expect(read.issues[2]?.message).toMatch(/both paid in and paid out/)
  })

  it('says so when no line names the mapped columns', () => {
    const read = parseBankStatement('Date,Value\n01/11/2026,1.00\n', {
      date: 'Date',
      amount: 'Amount',
      currency: 'GBP',
    })
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.issues[0]?.message).toMatch(/No line names every mapped column/)
  })

  it('throws a typed error for a mapping that names both shapes, or half of one', () => {
    const csv = 'Date,Amount\n'
    const mappings: Parameters<typeof parseBankStatement>[1][] = [
      { date: 'Date', amount: 'Amount', paidIn: 'In', paidOut: 'Out', currency: 'GBP' },
      { date: 'Date', paidIn: 'In', currency: 'GBP' },
      { date: 'Date', amount: 'Amount', currency: 'XXY' as 'GBP' },
    ]
    for (const bad of mappings)
      expect(() => parseBankStatement(csv, bad)).toThrow(InvalidArgumentError)
  })

  it("feeds matchDeposit: the acquirer's deposit is found among the statement's lines", () => {
    const statement = lines(LLOYDS_CSV, LLOYDS_COLUMNS)
    const found = matchDeposit(
      {
        batchId: '1234',
        amount: money(14334, 'GBP'),
        tolerance: 0,
        from: '2026-11-02',
        to: '2026-11-07',
      },
      statement.filter((l) => l.amount.amount > 0),
    )
    expect(found.kind === 'matched' && found.line.description).toBe('ELAVON MERCH SVCS')
  })
})
