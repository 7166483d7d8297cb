// Journals on the live shape: the best-guess POST body, read-back by JournalName and date that
// says "cannot tell" rather than "not there" when rows lack those fields, and the line-by-line check.
import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import {
  KashflowAmbiguousWriteError,
  KashflowCannotTellError,
  JournalSchema,
  journalLinesOf,
} from '../src/index.js'
import { recordingFetch, setup, useMsw } from './helpers.js'

const server = useMsw()
const lines = [
  { nominalCode: 1200, debit: money(999, 'GBP'), comment: 'Opayo receipt' },
  { nominalCode: 9999, credit: money(999, 'GBP'), comment: 'Suspense' },
]
const input = { date: '2026-11-02', reference: 'OPAYO:X:payment', comment: 'Unmatched', lines }

/** Journals already in KashFlow as live list rows show them, one per day, in the order given. */
function seedJournals(fake: ReturnType<typeof setup>['fake'], days: readonly number[]) {
  days.forEach((day, i) => {
    const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10)
    fake.journals.set(i + 1, {
      Number: i + 1,
      JournalName: `JNL-${day}`,
      JournalDate: `${date}T00:00:00`,
      Comment: 'Month end',
      TotalAmount: 10,
      Category: 0,
      LineItems: [],
    })
  })
}

describe('journals.create', () => {
  it('posts the live field family { JournalDate, JournalName, Comment, Category, LineItems[{ NominalCode, Debit, Credit }] }', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(server, {}, { fetch })
    const created = await kashflow.journals.create(input)
    expect(writes).toEqual([
      {
        method: 'POST',
        path: 'journals',
        body: {
          JournalDate: '2026-11-02 12:00:00',
          JournalName: 'OPAYO:X:payment',
          Comment: 'OPAYO:X:payment Unmatched',
          Category: 0,
          ExcludedFromProfitAndLoss: false,
          LineItems: [
            { NominalCode: 1200, Debit: 9.99, Credit: 0, Comment: 'Opayo receipt' },
            { NominalCode: 9999, Debit: 0, Credit: 9.99, Comment: 'Suspense' },
          ],
        },
      },
    ])
    expect(created).toMatchObject({ Number: 301, JournalName: 'OPAYO:X:payment' })
    await expect(kashflow.journals.get(301)).resolves.toMatchObject({
      JournalDate: '2026-11-02T12:00:00',
      LineItems: [
        { NominalCode: 1200, Debit: 9.99, Credit: 0 },
        { NominalCode: 9999, Debit: 0, Credit: 9.99 },
      ],
    })
    // The list rows are the live ones: no lines, no Id, Date or Description.
    const all = []
    for await (const j of kashflow.journals.list()) all.push(j)
    expect(all).toHaveLength(1)
    expect(Object.keys(all[0]!)).toEqual(
      expect.arrayContaining(['Number', 'JournalName', 'JournalDate', 'Comment', 'TotalAmount']),
    )
    for (const field of ['LineItems', 'Lines', 'Id', 'Date', 'Description'])
      expect(all[0]).not.toHaveProperty(field)
  })

  it('rejects an unbalanced journal, and a reference with spaces, before sending', () => {
    const { kashflow, fake } = setup(server)
    expect(() =>
      kashflow.journals.create({
        ...input,
        lines: [lines[0]!, { nominalCode: 9999, credit: money(998, 'GBP') }],
      }),
    ).toThrow(/do not balance/)
    expect(() => kashflow.journals.create({ ...input, lines: [lines[0]!] })).toThrow(/two lines/)
    expect(() => kashflow.journals.create({ ...input, reference: 'two words' })).toThrow(/one word/)
    expect(fake.log).toEqual([])
  })

  it('whose answer is lost is found by read-back, once', async () => {
    const { kashflow, fake } = setup(server)
    fake.commitThenDropNextWrite()
    await expect(kashflow.journals.create(input)).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' }),
    ).resolves.toMatchObject({ Number: 301 })
    expect(fake.journalsCarrying('OPAYO:X:payment')).toHaveLength(1)
  })
})

describe('journals.find', () => {
  it('finds a journal by its JournalName on its JournalDate, and fetches the detail for lines when asked', async () => {
    const { kashflow } = setup(server)
    await kashflow.journals.create(input)
    const row = await kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' })
    expect(row).toMatchObject({ Number: 301, JournalName: 'OPAYO:X:payment' })
    expect(row).not.toHaveProperty('LineItems')
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment', detail: true }),
    ).resolves.toMatchObject({
      Number: 301,
      LineItems: [{ NominalCode: 1200 }, { NominalCode: 9999 }],
    })
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:Y:payment' }),
    ).resolves.toBeUndefined()
    // A reference that only starts the same way is not ours.
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X' }),
    ).resolves.toBeUndefined()
  })

  it('says it cannot tell when the marker is on a journal of another date', async () => {
    const { kashflow } = setup(server)
    await kashflow.journals.create(input)
    await expect(
      kashflow.journals.find({ date: '2026-11-03', reference: 'OPAYO:X:payment' }),
    ).rejects.toBeInstanceOf(KashflowCannotTellError)
  })

  it('finds it by the first word of Comment when JournalName is not kept', async () => {
    const { kashflow } = setup(server, { unconfirmed: { journalBodyMisread: 'name-dropped' } })
    await kashflow.journals.create(input)
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' }),
    ).resolves.toMatchObject({ Number: 301, JournalName: '' })
  })

  it('says it cannot tell when a JournalName on that date may be the marker cut short', async () => {
    const { kashflow, fake } = setup(server)
    fake.journals.set(1, {
      Number: 1,
      JournalName: 'OPAYO:X:pay',
      JournalDate: '2026-11-02T12:00:00',
      Comment: 'Unmatched',
    })
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' }),
    ).rejects.toThrow(/cut short/)
  })

  it('list rows lacking JournalName/JournalDate → KashflowCannotTellError, never undefined', async () => {
    // The documented shape: rows carry Id, Date, Description and Lines, not the live fields.
    const documented = setup(server, { unconfirmed: { journalShape: 'documented' } })
    documented.fake.journals.set(1, {
      Id: 900_001,
      Number: 1,
      Date: '2026-11-02 12:00:00',
      Description: 'OPAYO:X:payment Unmatched',
      Lines: [],
    })
    const error = await documented.kashflow.journals
      .find({ date: '2026-11-02', reference: 'OPAYO:X:payment' })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(KashflowCannotTellError)
    expect(error).toMatchObject({
      operation: 'journals.find',
      seen: {
        rowsRead: 1,
        rowsLacking: 1,
        fields: expect.arrayContaining(['Date', 'Description']),
      },
    })
    // One row among live ones without a JournalDate is enough: it could be ours.
    const live = setup(server)
    seedJournals(live.fake, [305])
    live.fake.journals.set(2, { Number: 2, JournalName: 'Payroll', Comment: '' })
    await expect(
      live.kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' }),
    ).rejects.toThrow(/lack JournalName or JournalDate/)
  })

  const pagesRead = (fake: ReturnType<typeof setup>['fake']) =>
    fake.log.filter((l) => l.method === 'GET' && l.path === 'journals').length

  it('stops paging once an ascending list has passed the date', async () => {
    const { kashflow, fake } = setup(server)
    seedJournals(
      fake,
      Array.from({ length: 250 }, (_, i) => i),
    )
    await expect(
      kashflow.journals.find({ date: '2026-02-20', reference: 'JNL-50' }),
    ).resolves.toMatchObject({ Number: 51 })
    expect(pagesRead(fake)).toBe(1)
    fake.resetRequestCounts()
    // Day 120 is on page 2; a reference that is not there: page 2 ends past the date, so stop.
    await expect(
      kashflow.journals.find({ date: '2026-05-01', reference: 'OPAYO:NONE:payment' }),
    ).resolves.toBeUndefined()
    expect(pagesRead(fake)).toBe(2)
  })

  it('stops paging once a descending list has passed the date', async () => {
    const { kashflow, fake } = setup(server)
    seedJournals(
      fake,
      Array.from({ length: 250 }, (_, i) => 249 - i),
    )
    await expect(
      kashflow.journals.find({ date: '2026-05-01', reference: 'OPAYO:NONE:payment' }),
    ).resolves.toBeUndefined()
    expect(pagesRead(fake)).toBe(2)
  })

  it('reads every page when the list is not in date order', async () => {
    const { kashflow, fake } = setup(server)
    seedJournals(
      fake,
      Array.from({ length: 250 }, (_, i) => (i * 97) % 250),
    )
    await expect(
      kashflow.journals.find({ date: '2026-05-01', reference: 'OPAYO:NONE:payment' }),
    ).resolves.toBeUndefined()
    expect(pagesRead(fake)).toBe(3)
  })
})

describe('journals.verify', () => {
  it('reads a journal back as written from the default fake', async () => {
    const { kashflow } = setup(server)
    const created = await kashflow.journals.create(input)
    await expect(
      kashflow.journals.verify(input, { number: created.Number ?? undefined }),
    ).resolves.toEqual({
      state: 'as-written',
      number: 301,
    })
    // Without the number create answered: found by the marker.
    await expect(kashflow.journals.verify(input)).resolves.toMatchObject({ state: 'as-written' })
  })

  it('says not as written when KashFlow misread the sides, dropped the name, or answers another number', async () => {
    const swapped = setup(server, { unconfirmed: { journalBodyMisread: 'sides-swapped' } })
    await swapped.kashflow.journals.create(input)
    const check = await swapped.kashflow.journals.verify(input, { number: 301 })
    expect(check).toMatchObject({ state: 'not-as-written', number: 301 })
    expect(check.state === 'not-as-written' && check.differences).toEqual([
      'sent line "1200 debit 999 GBP" is not in KashFlow',
      'sent line "9999 credit 999 GBP" is not in KashFlow',
      'KashFlow has line "1200 credit 999 GBP", which was not sent',
      'KashFlow has line "9999 debit 999 GBP", which was not sent',
    ])

    const dropped = setup(server, { unconfirmed: { journalBodyMisread: 'name-dropped' } })
    await dropped.kashflow.journals.create(input)
    await expect(dropped.kashflow.journals.verify(input)).resolves.toMatchObject({
      state: 'not-as-written',
      differences: [expect.stringMatching(/JournalName/)],
    })

    const other = setup(server)
    await other.kashflow.journals.create(input)
    await expect(other.kashflow.journals.verify(input, { number: 999 })).resolves.toMatchObject({
      state: 'not-as-written',
      differences: [expect.stringMatching(/journal 999/)],
    })
  })

  it('says not as written when the detail carries no lines it can compare', async () => {
    const { kashflow, fake } = setup(server)
    fake.journals.set(1, {
      Number: 1,
      JournalName: 'OPAYO:X:payment',
      JournalDate: '2026-11-02T12:00:00',
      Comment: '',
    })
    await expect(kashflow.journals.verify(input)).resolves.toMatchObject({
      state: 'not-as-written',
      number: 1,
      differences: [expect.stringMatching(/no lines/)],
    })
  })
})

describe('journalLinesOf', () => {
  it('reads LineItems (Debit/Credit numbers) and the older Lines (Amount, Debit flag) in minor units', () => {
    const live = JournalSchema.parse({
      LineItems: [
        { NominalCode: 7901, Debit: 3.42, Credit: 0 },
        { NominalCode: 1210, Debit: 0, Credit: 3.42 },
      ],
    })
    const older = JournalSchema.parse({
      Lines: [
        { NominalCode: 7901, Amount: 3.42, Debit: true },
        { NominalCode: 1210, Amount: 3.42, Debit: false },
      ],
    })
    const expected = [
      { nominalCode: 7901, side: 'debit', amount: money(342, 'GBP') },
      { nominalCode: 1210, side: 'credit', amount: money(342, 'GBP') },
    ]
    expect(journalLinesOf(live, 'GBP')).toEqual(expected)
    expect(journalLinesOf(older, 'GBP')).toEqual(expected)
  })

  it('cannot tell from a list row, a line with both sides, or an amount finer than a penny', () => {
    expect(() => journalLinesOf(JournalSchema.parse({ Number: 1 }), 'GBP')).toThrow(
      KashflowCannotTellError,
    )
    const both = JournalSchema.parse({ LineItems: [{ NominalCode: 1, Debit: 1, Credit: 1 }] })
    expect(() => journalLinesOf(both, 'GBP')).toThrow(/exactly one positive/)
    const fine = JournalSchema.parse({ LineItems: [{ NominalCode: 1, Debit: 1.001, Credit: 0 }] })
    expect(() => journalLinesOf(fine, 'GBP')).toThrow(KashflowCannotTellError)
  })
})
