import { z } from 'zod'
import { CanonicalAddressSchema } from '../address/address.js'

/** The customer behind a payment, as much as the source knows. */
export const CanonicalCustomerSchema = z.object({
  /** The merchant's own customer reference, when the source carries one. */
  reference: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  billingAddress: CanonicalAddressSchema.optional(),
  deliveryAddress: CanonicalAddressSchema.optional(),
})
export type CanonicalCustomer = z.output<typeof CanonicalCustomerSchema>
