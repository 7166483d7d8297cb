// Test data shared by the sync and service suites.
import { CanonicalPaymentSchema } from '@opayo-kashflow/core'
import type { CanonicalPayment, CanonicalPaymentInput } from '@opayo-kashflow/core'

/** The fake KashFlow's default user (the testkit's FakeKashflow). */
export const CREDENTIALS = {
  username: 'accounts@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
}

let counter = 0
/** A succeeded GBP payment for an invoice, with a fresh Opayo transaction id. */
export function payment(
  invoice: number,
  overrides: Partial<CanonicalPaymentInput> = {},
): CanonicalPayment {
  counter += 1
  const tx = `${String(counter).padStart(8, '0')}-0000-4000-8000-${String(invoice).padStart(12, '0')}`
  const kind = overrides.kind ?? 'payment'
  return CanonicalPaymentSchema.parse({
    id: `opayo:${tx}:${kind}`,
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId: tx,
      vendorTxCode: `INV-${invoice}-${counter}`,
      verified: true,
    },
    kind,
    status: 'succeeded',
    amount: { amount: 1000, currency: 'GBP' },
    occurredAt: '2026-11-02T10:15:00Z',
    ...overrides,
  })
}

/**
 * The fixed ids of the tests that need them: the testkit's buildServerNotification makes fresh
 * ones on every call, so a test that registers `INV-1042-1` or expects this VPSTxId passes them.
 */
export const FIXED_NOTIFICATION_IDS = {
  VendorTxCode: 'INV-1042-1',
  VPSTxId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}',
} as const
