import { InvalidArgumentError } from '@opayo-kashflow/core'
import type { CanonicalAddress } from '@opayo-kashflow/core'
import { z } from 'zod'
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

/** Customers: read, find by email, create, update, upsert by email. */
export interface CustomersResource {
  /** A customer by code, with contacts, addresses and custom fields. @throws {KashflowNotFoundError} */
  get(code: string, call?: KashflowCallOptions): Promise<Customer>
  /**
   * The customer with this email, or undefined. KashFlow's search returns customer Ids, not
   * codes, so the Id is resolved through the customer list.
   * @example
   * const customer = await kashflow.customers.findByEmail('jo@example.co.uk')
   */
  findByEmail(email: string, call?: KashflowCallOptions): Promise<Customer | undefined>
  /**
   * Creates or updates the customer whose contact email is `input.contact.email`: found with
   * `findByEmail`, then merged and PUT back (fields the input does not name are kept, the
   * customer's code is never changed), or created when none has the email. Each write is
   * never retried; after a `KashflowAmbiguousWriteError` call `upsertByEmail` again: the email
   * finds a customer created by the lost write, so no second customer is made.
   * @throws {InvalidArgumentError} when `input.contact.email` is missing or has no `@`.
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
  /** GET, merge the patch, PUT the whole customer back: fields the patch does not name are kept. */
  update(code: string, patch: CustomerInput, call?: KashflowCallOptions): Promise<Customer>
}

export function customersResource(transport: KashflowTransport): CustomersResource {
  const get = (code: string, call?: KashflowCallOptions) =>
    transport.request(
      { method: 'GET', path: `customers/${encodeURIComponent(code)}`, schema: CustomerSchema },
      call,
    )
  async function findByEmail(
    email: string,
    call?: KashflowCallOptions,
  ): Promise<Customer | undefined> {
    const hits = await transport.request(
      {
        method: 'GET',
        path: 'customers/search',
        query: { searchBy: 'email', searchText: email },
        schema: SearchResultSchema,
      },
      call,
    )
    const ids = new Set(hits.map((h) => h.key))
    if (ids.size === 0) return undefined
    for await (const row of paginate(
      transport,
      'customers',
      CustomerSummarySchema,
      {},
      KASHFLOW_UNCONFIRMED.maxPerPage,
      call,
    )) {
      if (row.Id !== undefined && row.Id !== null && ids.has(row.Id)) return get(row.Code, call)
    }
    return undefined
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
    async update(
      code: string,
      patch: CustomerInput,
      call?: KashflowCallOptions,
    ): Promise<Customer> {
      return put(await get(code, call), patch, call)
    },
  }
}
