// Journals in the public shape, and their read-back by reference and date.
import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { recordingFetch, setup, useMsw } from './helpers.js'

const server = useMsw()
const lines = [
  { nominalCode: 1200, debit: money(999, 'GBP'), comment: 'Opayo receipt' },
  { nominalCode: 9999, credit: money(999, 'GBP'), comment: 'Suspense' },
]
const input = { date: '2026-11-02', reference: 'OPAYO:X:payment', comment: 'Unmatched', lines }

/** Journals already in KashFlow, one per day from `start`, in the order given. */
function seedJournals(fake: ReturnType<typeof setup>['fake'], days: readonly number[]) {
  days.forEach((day, i) => {
    const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10)
    fake.journals.set(i + 1, {
      Id: 800_000 + i,
      Number: i + 1,
      Date: `${date} 12:00:00`,
      Description: `JNL-${day} Month end`,
      Lines: [],
    })
  })
}

describe('journals.create', () => {
  it('posts { Date, Description, Reference, Lines: [{ NominalCode, Description, Amount, Debit }] }', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(server, {}, { fetch })
    const created = await kashflow.journals.create(input)
    expect(writes).toEqual([
      {
        method: 'POST',
        path: 'journals',
        body: {
          Date: '2026-11-02',
          Description: 'OPAYO:X:payment Unmatched',
          Reference: 'OPAYO:X:payment',
          Lines: [
            { NominalCode: 1200, Description: 'Opayo receipt', Amount: 9.99, Debit: true },
            { NominalCode: 9999, Description: 'Suspense', Amount: 9.99, Debit: false },
          ],
        },
      },
    ])
    expect(created).toMatchObject({ Number: 301, Description: 'OPAYO:X:payment Unmatched' })
    // The pessimistic fake drops Reference, which KashFlow's page does not list.
    expect(created).not.toHaveProperty('Reference')
    await expect(kashflow.journals.get(301)).resolves.toMatchObject({
      Date: '2026-11-02 12:00:00',
      Lines: [
        { NominalCode: 1200, Amount: 9.99, Debit: true },
        { NominalCode: 9999, Amount: 9.99, Debit: false },
      ],
    })
    const all = []
    for await (const j of kashflow.journals.list()) all.push(j)
    expect(all).toHaveLength(1)
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
})

describe('journals.find', () => {
  it('finds a journal by its reference in the Description when KashFlow drops Reference', async () => {
    const { kashflow } = setup(server)
    await kashflow.journals.create(input)
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' }),
    ).resolves.toMatchObject({ Number: 301, Lines: [{ NominalCode: 1200 }, { NominalCode: 9999 }] })
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:Y:payment' }),
    ).resolves.toBeUndefined()
    await expect(
      kashflow.journals.find({ date: '2026-11-03', reference: 'OPAYO:X:payment' }),
    ).resolves.toBeUndefined()
    // A reference that only starts the same way is not ours.
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X' }),
    ).resolves.toBeUndefined()
  })

  it('finds it by Reference when KashFlow keeps the field', async () => {
    const { kashflow } = setup(server, { unconfirmed: { dropUnknownFields: false } })
    await kashflow.journals.create({ ...input, comment: '' })
    await expect(
      kashflow.journals.find({ date: '2026-11-02', reference: 'OPAYO:X:payment' }),
    ).resolves.toMatchObject({ Reference: 'OPAYO:X:payment' })
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
