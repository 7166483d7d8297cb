// Customers found by email only when a contact has exactly that email (the search may match
// "contains", any case), and customers without an email created under a code derived from the
// marker, so a lost answer never makes a second one.
import { describe, expect, it } from 'vitest'
import {
  KASHFLOW_UNCONFIRMED,
  KashflowAmbiguousWriteError,
  KashflowCannotTellError,
  KashflowValidationError,
} from '../src/index.js'
import { recordingFetch, setup, useMsw } from './helpers.js'

const server = useMsw()
const MARKER = 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:customer'

const customer = (code: string, email: string, extra: Record<string, unknown> = {}) => ({
  Code: code,
  Name: code,
  Contacts: [{ IsPrimary: true, Firstname: code, Email: email }],
  Addresses: [{ Line1: `${code} Street`, PostCode: 'AB1 2CD', CountryCode: 'GB' }],
  ...extra,
})

describe('customers.findByEmail and upsertByEmail (the search may match "contains")', () => {
  it('the default fake search matches "contains", case-insensitive', () => {
    const { fake } = setup(server, { customers: [customer('BOJO', 'bojo@x.com')] })
    expect(fake.unconfirmed.customerSearchMatch).toBe('contains')
  })

  it('a contains-match customer search for jo@x.com never touches bojo@x.com (default fake)', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow, fake } = setup(
      server,
      { customers: [customer('BOJO', 'bojo@x.com')] },
      { fetch },
    )
    await expect(kashflow.customers.findByEmail('jo@x.com')).resolves.toBeUndefined()
    const { customer: saved, created } = await kashflow.customers.upsertByEmail({
      name: 'Jo',
      contact: { firstName: 'Jo', email: 'jo@x.com' },
      address: { lines: ['1 New Road'], postalCode: 'ZZ9 9ZZ', countryCode: 'GB' },
    })
    expect(created).toBe(true)
    expect(saved.Code).not.toBe('BOJO')
    // Bojo's contact and address are as they were; nothing was written to BOJO.
    expect(fake.customers.get('BOJO')).toEqual({
      Id: expect.any(Number),
      ...customer('BOJO', 'bojo@x.com'),
    })
    expect(writes.filter((w) => w.path.startsWith('customers/BOJO'))).toEqual([])
    expect(writes).toHaveLength(1)
  })

  it('uses a hit whose contact has the email in another case', async () => {
    const { kashflow } = setup(server, {
      customers: [customer('BOJO', 'bojo@x.com'), customer('JO01', 'Jo@X.com')],
    })
    await expect(kashflow.customers.findByEmail(' jo@x.com ')).resolves.toMatchObject({
      Code: 'JO01',
    })
  })

  it('finds the same customer with an exact-matching search', async () => {
    const { kashflow } = setup(server, {
      customers: [customer('BOJO', 'bojo@x.com'), customer('JO01', 'jo@x.com')],
      unconfirmed: { customerSearchMatch: 'exact' },
    })
    await expect(kashflow.customers.findByEmail('jo@x.com')).resolves.toMatchObject({
      Code: 'JO01',
    })
  })

  it('two customers with that exact email: cannot tell, with both codes, and nothing written', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(
      server,
      { customers: [customer('JO01', 'jo@x.com'), customer('JO02', 'JO@x.com')] },
      { fetch },
    )
    const error = await kashflow.customers
      .upsertByEmail({ name: 'Jo', contact: { email: 'jo@x.com' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowCannotTellError)
    expect(error).toMatchObject({
      operation: 'customers.findByEmail',
      seen: { codes: ['JO01', 'JO02'] },
    })
    expect(writes).toEqual([])
  })

  it('a hit whose Id no list row carries is "cannot tell", never "nobody"', async () => {
    const { kashflow } = setup(server, { customers: [customer('JO01', 'jo@x.com')] })
    server.use(
      // List rows without Id: the search's customer Ids cannot be resolved to codes.
      (await import('msw')).http.get('*/v2/customers', () =>
        Response.json({ MetaData: { NextPageUrl: null }, Data: [{ Code: 'JO01', Name: 'Jo' }] }),
      ),
    )
    await expect(kashflow.customers.findByEmail('jo@x.com')).rejects.toMatchObject({
      name: 'KashflowCannotTellError',
      seen: { searchHits: 1, listRows: 1, listRowsWithId: 0 },
    })
  })

  it('a customer read without Contacts is "cannot tell"', async () => {
    const { kashflow, fake } = setup(server, { customers: [customer('JO01', 'jo@x.com')] })
    const stored = fake.customers.get('JO01')!
    // Found by the search, then read back without the field the check needs.
    server.use(
      (await import('msw')).http.get('*/v2/customers/JO01', () =>
        Response.json({ Id: stored['Id'], Code: 'JO01', Name: 'Jo' }),
      ),
    )
    await expect(kashflow.customers.findByEmail('jo@x.com')).rejects.toMatchObject({
      name: 'KashflowCannotTellError',
      seen: { code: 'JO01', fields: ['Code', 'Id', 'Name'] },
    })
  })
})

describe('customers.createMarked and findByMarker (a customer without an email)', () => {
  it('creates under a code derived from the marker, inside the guessed code limit', async () => {
    const { kashflow } = setup(server)
    const { customer: saved, created } = await kashflow.customers.createMarked(
      { name: 'Walk-in', code: 'IGNORED' },
      MARKER,
    )
    expect(created).toBe(true)
    expect(saved.Code).toMatch(/^OPAYO-[A-Z2-7]{14}$/)
    expect(saved.Code).toMatch(KASHFLOW_UNCONFIRMED.customerCodePattern)
    await expect(kashflow.customers.findByMarker(MARKER)).resolves.toMatchObject({
      Code: saved.Code,
    })
    await expect(kashflow.customers.findByMarker(`${MARKER}-other`)).resolves.toBeUndefined()
  })

  it('sends the code without CreateCustomerCodeIfDuplicate', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(server, {}, { fetch })
    await kashflow.customers.createMarked({ name: 'Walk-in' }, MARKER)
    expect(writes).toHaveLength(1)
    expect(writes[0]!.body).not.toHaveProperty('CreateCustomerCodeIfDuplicate')
    expect(writes[0]!.body).toMatchObject({ Code: expect.stringMatching(/^OPAYO-/) })
  })

  it('a lost answer is found by the marker; a second create is refused on the code and returns the first', async () => {
    const { kashflow, fake } = setup(server)
    fake.commitThenDropNextWrite()
    await expect(
      kashflow.customers.createMarked({ name: 'Walk-in' }, MARKER),
    ).rejects.toBeInstanceOf(KashflowAmbiguousWriteError)
    const found = await kashflow.customers.findByMarker(MARKER)
    expect(found).toBeDefined()
    const again = await kashflow.customers.createMarked({ name: 'Walk-in' }, MARKER)
    expect(again).toMatchObject({ created: false, customer: { Code: found!.Code } })
    expect(fake.customers.size).toBe(1)
  })

  it('a refusal for another reason is passed on', async () => {
    const { kashflow, fake } = setup(server)
    fake.inject({ kind: 'status', status: 400 })
    await expect(
      kashflow.customers.createMarked({ name: 'Walk-in' }, MARKER),
    ).rejects.toBeInstanceOf(KashflowValidationError)
    expect(fake.customers.size).toBe(0)
  })

  it('a code KashFlow did not keep is "cannot tell", naming the code it kept', async () => {
    const { kashflow } = setup(server)
    server.use(
      (await import('msw')).http.post('*/v2/customers', () =>
        Response.json({ Id: 1, Code: 'OPAYO-CUT', Name: 'Walk-in' }, { status: 201 }),
      ),
    )
    await expect(
      kashflow.customers.createMarked({ name: 'Walk-in' }, MARKER),
    ).rejects.toMatchObject({
      name: 'KashflowCannotTellError',
      seen: { created: 'OPAYO-CUT' },
    })
  })
})
