import { createHash } from 'node:crypto'
import { InvalidArgumentError } from '@opayo-kashflow/core'
import type { CanonicalAddress } from '@opayo-kashflow/core'
import { z } from 'zod'
import {
  KashflowCannotTellError,
  KashflowNotFoundError,
  KashflowValidationError,
} from '../errors/kashflow-error.js'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { CustomerSchema } from '../wire/schemas.js'
import type { Customer } from '../wire/schemas.js'
import { paginate } from './invoices.js'

/** A customer to create, or the fields to change on one. */
export interface CustomerInput {
  /** Unique per account; KashFlow makes one up (de-duplicated) when absent. */
  readonly code?: string
  readonly name?: string
  readonly contact?: {
    readonly firstName?: string
    readonly lastName?: string
    readonly email?: string
    readonly phone?: string
  }
  readonly address?: CanonicalAddress
  readonly deliveryAddress?: CanonicalAddress
  /** ISO 4217 code of the customer's default currency. */
  readonly currency?: string
  /** Custom text fields by their configured Name. */
  readonly customText?: Readonly<Record<string, string>>
  /** Custom checkboxes by their configured Name. */
  readonly customCheckboxes?: Readonly<Record<string, boolean>>
  readonly note?: string
}

/** A CanonicalAddress as KashFlow's `{Line1..Line4, PostCode, CountryCode}`: street lines, then city and region. */
export function toKashflowAddress(address: CanonicalAddress): Record<string, string> {
  const lines = [...address.lines, address.city, address.region].filter((l): l is string => !!l)
  if (lines.length > 4) {
    // Never drop text: fold the overflow into the last line.
    lines.splice(3, lines.length - 3, lines.slice(3).join(', '))
  }
  return {
    Line1: lines[0] ?? '',
    Line2: lines[1] ?? '',
    Line3: lines[2] ?? '',
    Line4: lines[3] ?? '',
    PostCode: address.postalCode ?? '',
    // KashFlow records Greece as EL (standardiseAddress with target 'kashflow' does this too).
    CountryCode: address.countryCode === 'GR' ? 'EL' : (address.countryCode ?? ''),
  }
}

/** The checkbox value in the type KashFlow used for it before ("1"/"0" string, number or boolean). */
function checkboxValue(value: boolean, existing: unknown): boolean | string | number {
  if (typeof existing === 'string') return value ? '1' : '0'
  if (typeof existing === 'number') return value ? 1 : 0
  return value
}

/** Merges a patch into a customer as KashFlow returned it, keeping every field it does not know. */
export function mergeCustomer(
  current: Customer | undefined,
  patch: CustomerInput,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...(current ?? {}) }
  if (patch.code !== undefined) next['Code'] = patch.code
  if (patch.name !== undefined) next['Name'] = patch.name
  if (patch.note !== undefined) next['Note'] = patch.note
  if (patch.currency !== undefined)
    next['Currency'] = { ...(current?.Currency ?? {}), Code: patch.currency }
  if (patch.contact !== undefined) {
    const contacts = [...(current?.Contacts ?? [])]
    const index = Math.max(
      0,
      contacts.findIndex((c) => c.IsPrimary),
    )
    const existing = contacts[index] ?? { IsPrimary: true }
    contacts[index] = {
      ...existing,
      IsPrimary: true,
      ...(patch.contact.firstName === undefined ? {} : { Firstname: patch.contact.firstName }),
      ...(patch.contact.lastName === undefined ? {} : { LastName: patch.contact.lastName }),
      ...(patch.contact.email === undefined ? {} : { Email: patch.contact.email }),
      ...(patch.contact.phone === undefined ? {} : { Telephone: patch.contact.phone }),
    }
    next['Contacts'] = contacts
  }
  if (patch.address !== undefined) {
    const addresses = [...(current?.Addresses ?? [])]
    addresses[0] = { ...(addresses[0] ?? {}), ...toKashflowAddress(patch.address) }
    next['Addresses'] = addresses
  }
  if (patch.deliveryAddress !== undefined) {
    next['DeliveryAddresses'] = [toKashflowAddress(patch.deliveryAddress)]
    next['UseCustomDeliveryAddress'] = true
  }
  if (patch.customText !== undefined) {
    const boxes = [...(current?.CustomTextBoxes ?? [])]
    for (const [name, value] of Object.entries(patch.customText)) {
      const at = boxes.findIndex((b) => b.Name === name)
      if (at >= 0) boxes[at] = { ...boxes[at], Name: name, Value: value }
      else boxes.push({ Name: name, Value: value })
    }
    next['CustomTextBoxes'] = boxes
  }
  if (patch.customCheckboxes !== undefined) {
    const boxes = [...(current?.CustomCheckBoxes ?? [])]
    for (const [name, value] of Object.entries(patch.customCheckboxes)) {
      const at = boxes.findIndex((b) => b.Name === name)
      if (at >= 0)
        boxes[at] = { ...boxes[at], Name: name, Value: checkboxValue(value, boxes[at]?.Value) }
      else boxes.push({ Name: name, Value: value })
    }
    next['CustomCheckBoxes'] = boxes
  }
  return next
}

/**
 * What `customers.upsertByEmail` did.
 * @example
 * const input = { name: 'Jane Smith', contact: { email: 'jane@example.com' } }
 * const { customer, created }: CustomerUpsertResult = await kashflow.customers.upsertByEmail(input)
 */
export interface CustomerUpsertResult {
  readonly customer: Customer
  /** True when no customer had the email and one was created. */
  readonly created: boolean
}

/**
 * The facts of a customer that matching compares: the primary contact's email (else the first
 * contact with one), the first address's postcode, and the name.
 * @example
 * const { email, postcode, name }: CustomerContactFacts = customerContactOf(await kashflow.customers.get('SMITH01'))
 */
export interface CustomerContactFacts {
  readonly code: string
  readonly name: string | undefined
  readonly email: string | undefined
  readonly postcode: string | undefined
}

/**
 * A customer's name, email and postcode, for candidate matching. Pure.
 * @example
 * const facts = customerContactOf(await kashflow.customers.get('SMITH01'))
 */
export function customerContactOf(customer: Customer): CustomerContactFacts {
  const contacts = customer.Contacts ?? []
  const primary = contacts.find((c) => c.IsPrimary && c.Email) ?? contacts.find((c) => c.Email)
  const postcode = (customer.Addresses ?? []).find((a) => a.PostCode)?.PostCode
  return {
    code: customer.Code,
    name: customer.Name ?? undefined,
    email: primary?.Email ?? undefined,
    postcode: postcode ?? undefined,
  }
}

const SearchResultSchema = z.array(
  z.looseObject({ key: z.number(), value: z.string().nullable().optional() }),
)
const CustomerSummarySchema = z.looseObject({
  Id: z.number().nullable().optional(),
  Code: z.string(),
})

/** Emails compare whole, trimmed and case-insensitively (the domain is; mailboxes are in practice). */
const sameEmail = (a: string | null | undefined, b: string): boolean =>
  typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase()

// RFC 4648 base32: upper-case letters and 2-7, so the code stays inside `[A-Z0-9]`.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const MARKER_CODE_PREFIX = 'OPAYO-'

/**
 * The customer code a marked create uses: `OPAYO-` and 14 base32 characters of the marker's
 * SHA-256 (70 bits). Deterministic, so every attempt and every worker asks KashFlow for the same
 * code, and `GET /customers/{code}` (the documented key lookup) finds a customer whose create
 * answer was lost. 20 characters of `[A-Z0-9-]`: inside the code limit integrators use
 * (`KASHFLOW_UNCONFIRMED.customerCodePattern`), since KashFlow publishes none.
 */
function markerCode(marker: string): string {
  const want = KASHFLOW_UNCONFIRMED.customerCodeMaxLength - MARKER_CODE_PREFIX.length
  const digest = createHash('sha256').update(marker, 'utf8').digest()
  const bits = [...digest].map((b) => b.toString(2).padStart(8, '0')).join('')
  let out = MARKER_CODE_PREFIX
  for (let i = 0; i < want * 5; i += 5) out += BASE32[parseInt(bits.slice(i, i + 5), 2)]
  return out
}

/** KashFlow codes are compared as sent; case is ignored in case KashFlow upper-cases them. */
const sameCode = (a: string, b: string): boolean => a.toUpperCase() === b.toUpperCase()

/** Customers: read, find by email or marker, create, update, upsert by email. */
export interface CustomersResource {
  /** A customer by code, with contacts, addresses and custom fields. @throws {KashflowNotFoundError} */
  get(code: string, call?: KashflowCallOptions): Promise<Customer>
  /**
   * The one customer one of whose contacts has exactly this email (trimmed, any case), or
   * undefined when no customer does. KashFlow's `GET /customers/search?searchBy=email` may match
   * "contains" and any case (no source says), and answers customer Ids, not codes: every hit is
   * resolved through the customer list, read in full (`GET /customers/{code}`) and kept only if
   * a contact's `Email` equals `email`. It never concludes "nobody" from rows it cannot read.
   * @throws {KashflowCannotTellError} (`seen.codes`) when several customers have the email, or
   *   `seen` says why it cannot tell: a hit whose Id no list row carries, or a customer read
   *   without `Contacts`.
   * @example
   * const customer = await kashflow.customers.findByEmail('jo@example.co.uk')
   */
  findByEmail(email: string, call?: KashflowCallOptions): Promise<Customer | undefined>
  /**
   * Creates or updates the customer whose contact email is `input.contact.email`: found with
   * `findByEmail` (so a search hit for another address is never touched), then merged and PUT
   * back (fields the input does not name are kept, the customer's code is never changed), or
   * created when none has the email. Each write is never retried; after a
   * `KashflowAmbiguousWriteError` call `upsertByEmail` again: the email finds a customer created
   * by the lost write, so no second customer is made.
   * @throws {InvalidArgumentError} when `input.contact.email` is missing or has no `@`.
   * @throws {KashflowCannotTellError} from `findByEmail`; nothing is written.
   * @example
   * const { customer, created } = await kashflow.customers.upsertByEmail({
   *   name: 'Jo Smith',
   *   contact: { firstName: 'Jo', lastName: 'Smith', email: 'jo@example.co.uk' },
   *   customText: { 'Opayo VendorTxCode': 'ORDER-5521' },
   * })
   */
  upsertByEmail(input: CustomerInput, call?: KashflowCallOptions): Promise<CustomerUpsertResult>
  /** Creates a customer (`CreateCustomerCodeIfDuplicate`, so a taken code is de-duplicated). */
  create(input: CustomerInput, call?: KashflowCallOptions): Promise<Customer>
  /**
   * Creates the customer for a marker (a customer without an email: nothing else finds it
   * again) under a code derived from the marker, `OPAYO-` and 14 characters of its hash
   * (`input.code` is ignored), without `CreateCustomerCodeIfDuplicate`. Never retried. After a
   * lost answer (`KashflowAmbiguousWriteError`) read back with `findByMarker(marker)`; if a retry
   * is refused because the code is taken (HTTP 400), the customer with the code is read and
   * returned with `created: false`.
   * @throws {KashflowValidationError} when KashFlow refuses the create and no customer has the code.
   * @throws {KashflowCannotTellError} when KashFlow keeps another code than the one sent (a later
   *   read-back could not find it).
   * @example
   * const { customer } = await kashflow.customers.createMarked(
   *   { name: 'Walk-in customer' },
   *   'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:customer',
   * )
   */
  createMarked(
    input: CustomerInput,
    marker: string,
    call?: KashflowCallOptions,
  ): Promise<CustomerUpsertResult>
  /**
   * The customer `createMarked` made for this marker, or undefined: `GET /customers/{code}` by
   * the code derived from the marker (an exact, documented lookup; 404 means none).
   * @throws {KashflowCannotTellError} when KashFlow answers with a customer of another code.
   * @example
   * const customer = await kashflow.customers.findByMarker('OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:customer')
   */
  findByMarker(marker: string, call?: KashflowCallOptions): Promise<Customer | undefined>
  /** GET, merge the patch, PUT the whole customer back: fields the patch does not name are kept. */
  update(code: string, patch: CustomerInput, call?: KashflowCallOptions): Promise<Customer>
}

export function customersResource(transport: KashflowTransport): CustomersResource {
  const get = (code: string, call?: KashflowCallOptions) =>
    transport.request(
      { method: 'GET', path: `customers/${encodeURIComponent(code)}`, schema: CustomerSchema },
      call,
    )
  /** Search hits (customer Ids) to codes, through the list; stops once every Id is found. */
  async function codesOf(ids: ReadonlySet<number>, call?: KashflowCallOptions) {
    const codes = new Map<number, string>()
    let rows = 0
    let rowsWithId = 0
    for await (const row of paginate(
      transport,
      'customers',
      CustomerSummarySchema,
      {},
      KASHFLOW_UNCONFIRMED.maxPerPage,
      call,
    )) {
      rows += 1
      if (row.Id === undefined || row.Id === null) continue
      rowsWithId += 1
      if (ids.has(row.Id)) codes.set(row.Id, row.Code)
      if (codes.size === ids.size) break
    }
    return { codes, rows, rowsWithId }
  }
  async function findByEmail(
    email: string,
    call?: KashflowCallOptions,
  ): Promise<Customer | undefined> {
    const operation = 'customers.findByEmail'
    const hits = await transport.request(
      {
        method: 'GET',
        path: 'customers/search',
        query: { searchBy: 'email', searchText: email.trim() },
        schema: SearchResultSchema,
      },
      call,
    )
    const ids = new Set(hits.map((h) => h.key))
    if (ids.size === 0) return undefined
    const { codes, rows, rowsWithId } = await codesOf(ids, call)
    const unresolved = [...ids].filter((id) => !codes.has(id))
    // A hit we cannot read might be the customer with the email: never "nobody", never "the
    // other one is it".
    if (unresolved.length > 0)
      throw new KashflowCannotTellError(
        operation,
        `the search answered ${ids.size} customer Id(s), and ${unresolved.length} of them is on no customer list row, so whether a customer has this email cannot be told.`,
        {
          searchHits: ids.size,
          unresolvedIds: unresolved,
          listRows: rows,
          listRowsWithId: rowsWithId,
        },
      )
    const qualifying: Customer[] = []
    for (const code of codes.values()) {
      const customer = await get(code, call)
      if (!Array.isArray(customer.Contacts))
        throw new KashflowCannotTellError(
          operation,
          `customer ${customer.Code} was read without Contacts, so whether it has this email cannot be told.`,
          { searchHits: ids.size, code: customer.Code, fields: Object.keys(customer).sort() },
        )
      // The search may match "contains" (jo@x.com finds bojo@x.com): only an exact contact counts.
      if (customer.Contacts.some((c) => sameEmail(c.Email, email))) qualifying.push(customer)
    }
    if (qualifying.length > 1) {
      const found = qualifying.map((c) => c.Code)
      throw new KashflowCannotTellError(
        operation,
        `${qualifying.length} customers (${found.join(', ')}) have a contact with this email; a person must decide which one is the payer.`,
        { searchHits: ids.size, codes: found },
      )
    }
    return qualifying[0]
  }
  function create(input: CustomerInput, call?: KashflowCallOptions): Promise<Customer> {
    if (!input.name && !input.code)
      throw new InvalidArgumentError('customers.create(): give a name or a code.')
    return transport.request(
      {
        method: 'POST',
        path: 'customers',
        body: {
          ...mergeCustomer(undefined, input),
          CreateCustomerCodeIfDuplicate: true,
          CreateCustomerNameIfEmptyOrNull: true,
        },
        schema: CustomerSchema,
      },
      call,
    )
  }
  async function findByMarker(
    marker: string,
    call?: KashflowCallOptions,
  ): Promise<Customer | undefined> {
    const code = markerCode(marker)
    let customer: Customer
    try {
      customer = await get(code, call)
    } catch (error) {
      if (error instanceof KashflowNotFoundError) return undefined
      throw error
    }
    if (!sameCode(customer.Code, code))
      throw new KashflowCannotTellError(
        'customers.findByMarker',
        `GET /customers/${code} answered customer ${customer.Code}.`,
        { askedFor: code, answered: customer.Code },
      )
    return customer
  }
  function put(current: Customer, patch: CustomerInput, call?: KashflowCallOptions) {
    return transport.request(
      {
        method: 'PUT',
        path: `customers/${encodeURIComponent(current.Code)}`,
        body: mergeCustomer(current, patch),
        schema: CustomerSchema,
      },
      call,
    )
  }
  return {
    get,
    findByEmail,
    async upsertByEmail(
      input: CustomerInput,
      call?: KashflowCallOptions,
    ): Promise<CustomerUpsertResult> {
      const email = input.contact?.email?.trim()
      if (!email || !email.includes('@'))
        throw new InvalidArgumentError(
          'customers.upsertByEmail(): contact.email is required and must be an email address.',
        )
      const existing = await findByEmail(email, call)
      if (existing === undefined) {
        const name =
          input.name ??
          ([input.contact?.firstName, input.contact?.lastName].filter(Boolean).join(' ') || email)
        return { customer: await create({ ...input, name }, call), created: true }
      }
      const { code: _ignored, ...patch } = input
      return { customer: await put(existing, patch, call), created: false }
    },
    create,
    async createMarked(
      input: CustomerInput,
      marker: string,
      call?: KashflowCallOptions,
    ): Promise<CustomerUpsertResult> {
      const code = markerCode(marker)
      const { code: _ignored, ...rest } = input
      let customer: Customer
      try {
        customer = await transport.request(
          {
            method: 'POST',
            path: 'customers',
            // No CreateCustomerCodeIfDuplicate: a taken code must be refused, not renamed, so a
            // second attempt after a lost answer cannot make a second customer.
            body: {
              ...mergeCustomer(undefined, { ...rest, code }),
              CreateCustomerNameIfEmptyOrNull: true,
            },
            schema: CustomerSchema,
          },
          call,
        )
      } catch (error) {
        if (!(error instanceof KashflowValidationError)) throw error
        // Refused: because an earlier attempt (whose answer was lost) took the code, or for a
        // reason of its own. The code says which.
        const earlier = await findByMarker(marker, call)
        if (earlier === undefined) throw error
        return { customer: earlier, created: false }
      }
      if (!sameCode(customer.Code, code))
        throw new KashflowCannotTellError(
          'customers.createMarked',
          `KashFlow created customer ${customer.Code} instead of ${code}, so a later read-back by the marker could not find it.`,
          { sent: code, created: customer.Code },
        )
      return { customer, created: true }
    },
    findByMarker,
    async update(
      code: string,
      patch: CustomerInput,
      call?: KashflowCallOptions,
    ): Promise<Customer> {
      return put(await get(code, call), patch, call)
    },
  }
}
