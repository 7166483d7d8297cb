// The customer a Server registration describes (Opayo's billing and delivery details and the
// shopper's email), kept with the registration when the caller gives no customer of its own:
// create-invoice upserts the KashFlow customer from it.
import { CanonicalCustomerSchema, standardiseAddress } from '@opayo-kashflow/core'
import type { AddressInput, CanonicalAddress, CanonicalCustomer } from '@opayo-kashflow/core'

interface RegistrationContact {
  readonly firstnames: string
  readonly surname: string
  readonly address: AddressInput
  readonly phone?: string | undefined
}

const addressOf = (input: AddressInput): CanonicalAddress | undefined => {
  const standard = standardiseAddress(input)
  return standard.ok ? standard.value.address : undefined
}

/**
 * The CanonicalCustomer of a Server registration's billing contact (names, phone, standardised
 * billing and delivery addresses) and `customerEmail`; undefined when it does not validate.
 * @example customerFromRegistration({ billing: { firstnames: 'Sam', surname: 'Jones', address: { lines: ['1 High St'], city: 'Bath', postalCode: 'ba11aa', country: 'GB' } }, customerEmail: 'sam@example.co.uk' })
 */
export function customerFromRegistration(input: {
  readonly billing: RegistrationContact
  readonly delivery?: RegistrationContact | undefined
  readonly customerEmail?: string | undefined
}): CanonicalCustomer | undefined {
  const billing = addressOf(input.billing.address)
  const delivery = input.delivery ? addressOf(input.delivery.address) : undefined
  const parsed = CanonicalCustomerSchema.safeParse({
    firstName: input.billing.firstnames,
    lastName: input.billing.surname,
    ...(input.customerEmail ? { email: input.customerEmail } : {}),
    ...(input.billing.phone ? { phone: input.billing.phone } : {}),
    ...(billing ? { billingAddress: billing } : {}),
    ...(delivery ? { deliveryAddress: delivery } : {}),
  })
  return parsed.success ? parsed.data : undefined
}
