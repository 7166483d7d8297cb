import { describe, expect, it } from 'vitest'
import { parseOfxStatement } from '../src/index.js'
import { CREDIT_CARD_QFX, EXAMPLE2_OFX } from './fixtures/ofx-statements.js'

describe('parseOfxStatement', () => {
  it("reads a one-line SGML download: dates without their time and zone, signed amounts, the bank's FITID as the id", () => {
    const read = parseOfxStatement(CREDIT_CARD_QFX)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.value.currency).toBe('CAD')
    expect(read.value.lines.map((l) => [l.id, l.date, l.amount.amount, l.description])).toEqual([
      [
        'fitid:90000010020260323V001872E778F',
        '2026-03-23',
        -688,
        '7 DAYS COFFEE VANCOUVER VANCOUVER BC',
      ],
      [
        'fitid:90000010020260323V001A5289515',
        '2026-03-23',
        20208,
        'PAYMENT - THANK YOU / PAI EMENT - MERCI EMENT - MERCI',
      ],
      ['fitid:90000010020260326V0017B184356', '2026-03-26', -7037, 'PHARMACY #7182 VANCOUVER BC'],
      ['fitid:90000010020260402V001207D2275', '2026-04-02', -2638, 'T&T SUPERMARKET VANCOUVER BC'],
      [
        'fitid:90000010020260405V001B0C20CE5',
        '2026-04-05',
        -1797,
        'LYFT *RIDE SAT 8PM VANCOUVER VANCOUVER BC',
      ],
    ])
    expect(read.value.lines.every((l) => l.amount.currency === 'CAD')).toBe(true)
  })

  it('names each transaction whose date does not read (the masked download), and returns no line', () => {
    const read = parseOfxStatement(EXAMPLE2_OFX)
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(read.issues.map((i) => [i.line, i.message])).toEqual([
      [29, 'Line 29: Transaction 1: DTPOSTED "****" is not a date (YYYYMMDD...).'],
      [38, 'Line 38: Transaction 2: DTPOSTED "*****" is not a date (YYYYMMDD...).'],
    ])
  })

  it('reads OFX 2 XML with closed tags and "+" on money in, once the dates are there', () => {
    const xml = EXAMPLE2_OFX.replace('<DTPOSTED>****\n', '<DTPOSTED>20261104</DTPOSTED>\n')
      .replace('<DTPOSTED>*****\n', '<DTPOSTED>20261105</DTPOSTED>\n')
      .replace('<FITID>******', '<FITID>A1')
      .replace('<FITID>*****', '<FITID>A2')
    const read = parseOfxStatement(xml)
    expect(read.ok && read.value.lines.map((l) => [l.id, l.date, l.amount.amount])).toEqual([
      ['fitid:A1', '2026-11-04', -4554],
      ['fitid:A2', '2026-11-05', 72101],
    ])
  })

  it('refuses what is not OFX, a missing currency, a bad amount, and a FITID twice', () => {
    expect(parseOfxStatement('Date,Amount\n').ok).toBe(false)
    const noCurrency = parseOfxStatement(CREDIT_CARD_QFX.replace('<CURDEF>CAD', ''))
    expect(!noCurrency.ok && noCurrency.issues[0]?.message).toMatch(/CURDEF\) is missing/)
    const badAmount = parseOfxStatement(CREDIT_CARD_QFX.replace('<TRNAMT>-6.88', '<TRNAMT>-6.8.8'))
    expect(!badAmount.ok && badAmount.issues[0]?.message).toMatch(/Transaction 1: TRNAMT "-6.8.8"/)
    const twice = parseOfxStatement(
      CREDIT_CARD_QFX.replace('90000010020260326V0017B184356', '90000010020260323V001872E778F'),
    )
    expect(!twice.ok && twice.issues[0]?.message).toMatch(/Transaction 3: FITID .* appears twice/)
    // Two accounts in one file (a EUR statement after the CAD one): refused, never mixed.
    const two = parseOfxStatement(
      CREDIT_CARD_QFX.replace(
        '</CCSTMTTRNRS>',
        '</CCSTMTTRNRS><CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR</CCSTMTRS></CCSTMTTRNRS>',
      ),
    )
    expect(!two.ok && two.issues[0]?.message).toMatch(/holds 2 statements/)
  })
})
