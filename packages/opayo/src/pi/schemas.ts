import { z } from 'zod'

// Pi REST wire schemas (field names from academe/opayo-pi and purplepiranhaltd/OpayoPaymentsNET;
// developer-eu.elavon.com/docs/opayo). Requests are validated before sending; responses
// are validated on receipt, keeping unknown fields (Opayo adds fields over time).

export const PI_TRANSACTION_TYPES = [
  'Payment',
  'Deferred',
  'Authenticate',
  'Repeat',
  'Refund',
  'Authorise',
] as const

export const PI_STATUSES = [
  'Ok',
  'NotAuthed',
  'Rejected',
  '3DAuth',
  'Malformed',
  'Invalid',
  'Error',
  'Registered',
  'Authenticated',
] as const

const Amount = z.number().int().positive()

export const PiBillingAddressSchema = z.object({
  address1: z.string().min(1).max(50),
  address2: z.string().max(50).optional(),
  address3: z.string().max(50).optional(),
  city: z.string().min(1).max(40),
  postalCode: z.string().max(10).optional(),
  country: z.string().length(2),
  state: z.string().length(2).optional(),
})

const CardPaymentMethod = z.object({
  card: z.object({
    merchantSessionKey: z.string().min(1),
    cardIdentifier: z.string().min(1),
    save: z.boolean().optional(),
    reusable: z.boolean().optional(),
  }),
})

const Common = {
  vendorTxCode: z
    .string()
    .regex(/^[A-Za-z0-9\-._{}]{1,40}$/, 'vendorTxCode: 1-40 of [A-Za-z0-9-._{}]'),
  amount: Amount,
  description: z.string().min(1).max(100),
}

const NewCard = {
  ...Common,
  paymentMethod: CardPaymentMethod,
  currency: z.string().length(3),
  customerFirstName: z.string().max(20).optional(),
  customerLastName: z.string().max(20).optional(),
  billingAddress: PiBillingAddressSchema.optional(),
  customerEmail: z.string().max(80).optional(),
  customerPhone: z.string().max(19).optional(),
  entryMethod: z.enum(['Ecommerce', 'MailOrder', 'TelephoneOrder']).optional(),
  apply3DSecure: z.enum(['UseMSPSetting', 'Force', 'Disable', 'ForceIgnoringRules']).optional(),
  applyAvsCvcCheck: z.enum(['UseMSPSetting', 'Force', 'Disable', 'ForceIgnoringRules']).optional(),
  giftAid: z.boolean().optional(),
  referrerId: z.string().max(40).optional(),
  settlementReferenceText: z.string().max(30).optional(),
  strongCustomerAuthentication: z.record(z.string(), z.unknown()).optional(),
  credentialType: z.record(z.string(), z.unknown()).optional(),
  shippingDetails: z.record(z.string(), z.unknown()).optional(),
}

/** `POST /transactions` body, one shape per transactionType. Amounts in integer minor units. */
export const PiTransactionRequestSchema = z.discriminatedUnion('transactionType', [
  z.object({ transactionType: z.literal('Payment'), ...NewCard }),
  z.object({ transactionType: z.literal('Deferred'), ...NewCard }),
  z.object({ transactionType: z.literal('Authenticate'), ...NewCard }),
  z.object({
    transactionType: z.literal('Repeat'),
    ...Common,
    referenceTransactionId: z.string().min(1),
    currency: z.string().length(3),
    shippingDetails: z.record(z.string(), z.unknown()).optional(),
    giftAid: z.boolean().optional(),
  }),
  z.object({
    transactionType: z.literal('Refund'),
    ...Common,
    referenceTransactionId: z.string().min(1),
  }),
  z.object({
    transactionType: z.literal('Authorise'),
    ...Common,
    referenceTransactionId: z.string().min(1),
  }),
])
export type PiTransactionRequest = z.input<typeof PiTransactionRequestSchema>

/** A Pi transaction as `POST /transactions` (201/202) and `GET /transactions/{id}` return it. */
export const PiTransactionSchema = z.looseObject({
  transactionId: z.string().min(1),
  /** Missing on some failed 3DS v2 payments. */
  transactionType: z.enum(PI_TRANSACTION_TYPES).optional(),
  status: z.enum(PI_STATUSES),
  statusCode: z.union([z.string(), z.number()]).transform(String).optional(),
  statusDetail: z.string().optional(),
  /** A number in practice, a string in the docs. */
  retrievalReference: z.union([z.number(), z.string()]).transform(String).optional(),
  bankResponseCode: z.string().optional(),
  bankAuthorisationCode: z.string().optional(),
  paymentMethod: z
    .looseObject({
      card: z
        .looseObject({
          cardType: z.string().optional(),
          lastFourDigits: z.string().optional(),
          expiryDate: z.string().optional(),
          cardIdentifier: z.string().optional(),
          reusable: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  amount: z
    .looseObject({
      totalAmount: z.number().int(),
      saleAmount: z.number().int().optional(),
      surchargeAmount: z.number().int().optional(),
    })
    .optional(),
  currency: z.string().optional(),
  avsCvcCheck: z
    .looseObject({
      status: z.string().optional(),
      address: z.string().optional(),
      postalCode: z.string().optional(),
      securityCode: z.string().optional(),
    })
    .optional(),
  '3DSecure': z.looseObject({ status: z.string().optional() }).optional(),
  acsUrl: z.string().optional(),
  paReq: z.string().optional(),
  cReq: z.string().optional(),
  acsTransId: z.string().optional(),
  dsTransId: z.string().optional(),
})
export type PiTransaction = z.output<typeof PiTransactionSchema>

/** `POST /merchant-session-keys` response. */
export const PiMerchantSessionKeySchema = z.looseObject({
  merchantSessionKey: z.string().min(1),
  expiry: z.string(),
})
export type PiMerchantSessionKey = z.output<typeof PiMerchantSessionKeySchema>

export const PI_INSTRUCTION_TYPES = ['void', 'abort', 'release', 'cancel'] as const

/** `POST /transactions/{id}/instructions` body; `amount` (minor units) is for `release`. */
export const PiInstructionRequestSchema = z
  .object({ instructionType: z.enum(PI_INSTRUCTION_TYPES), amount: Amount.optional() })
  .refine((i) => i.instructionType !== 'release' || i.amount !== undefined, {
    message: 'A release needs an amount (minor units, at most the deferred amount)',
    path: ['amount'],
  })
export type PiInstructionRequest = z.input<typeof PiInstructionRequestSchema>

/** An instruction as Pi returns it. */
export const PiInstructionSchema = z.looseObject({
  instructionType: z.enum(PI_INSTRUCTION_TYPES),
  date: z.string(),
})
export type PiInstruction = z.output<typeof PiInstructionSchema>

/**
 * Both Pi error body shapes (academe/opayo-pi Response/Model/Error.php; ebizmarts PIRestTest.php);
 * `code` may be a number or a string.
 */
export const PiErrorEntrySchema = z.looseObject({
  code: z.union([z.number(), z.string()]).transform(String).optional(),
  property: z.string().optional(),
  description: z.string().optional(),
  clientMessage: z.string().optional(),
  statusCode: z.union([z.number(), z.string()]).transform(String).optional(),
  statusDetail: z.string().optional(),
})
export type PiErrorEntry = z.output<typeof PiErrorEntrySchema>
export const PiErrorBodySchema = z.union([
  z.looseObject({ errors: z.array(PiErrorEntrySchema) }),
  PiErrorEntrySchema,
])

/** 3-D Secure completion: v1 `{ paRes }` or v2 `{ cRes }`. */
export const PiThreeDSecureCompletionSchema = z.union([
  z.object({ paRes: z.string().min(1) }),
  z.object({ cRes: z.string().min(1), threeDSSessionData: z.string().optional() }),
])
export type PiThreeDSecureCompletion = z.input<typeof PiThreeDSecureCompletionSchema>
