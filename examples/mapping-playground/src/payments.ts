import { CanonicalPaymentSchema, canonicalPaymentId } from '@opayo-kashflow/core'
import type { CanonicalPayment, CanonicalPaymentInput } from '@opayo-kashflow/core'

type Draft = Omit<CanonicalPaymentInput, 'id' | 'source'> & {
  source: Omit<CanonicalPaymentInput['source'], 'system'>
}

const build = (draft: Draft): CanonicalPayment =>
  CanonicalPaymentSchema.parse({
    ...draft,
    id: canonicalPaymentId(draft.source.transactionId, draft.kind),
    source: { system: 'opayo', ...draft.source },
  })

const sam = {
  firstName: 'Sam',
  lastName: 'Jones',
  email: 'sam.jones@example.co.uk',
  billingAddress: {
    lines: ['407 St John Street'],
    city: 'London',
    postalCode: 'EC1V 4AB',
    countryCode: 'GB',
  },
}

/**
 * A realistic day of Opayo events, shaped as the opayo package normalises them: Server
 * notifications, a Form return, Pi results and a Reporting row.
 */
export const PLAYGROUND_PAYMENTS: readonly CanonicalPayment[] = [
  build({
    source: {
      protocol: 'server',
      transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
      vendorTxCode: 'INV-1042-1',
      verified: true,
    },
    kind: 'payment',
    status: 'succeeded',
    amount: { amount: 12000, currency: 'GBP' },
    occurredAt: '2026-11-02T10:15:00+00:00',
    customer: sam,
    card: { scheme: 'visa', last4: '0006', expiry: '1228' },
    risk: {
      fraud: { provider: 'red', recommendation: 'accept', code: '0100' },
      avsCv2: 'all_match',
      address: 'matched',
      postalCode: 'matched',
      securityCode: 'matched',
      threeDSecure: { status: 'authenticated' },
    },
    gateway: { txAuthNo: '4255', bankAuthCode: '999777', statusCode: '0000' },
  }),
  build({
    source: {
      protocol: 'form',
      transactionId: 'F5A91F56-F9C7-EFAD-8050-3226BBC6F4A8',
      vendorTxCode: 'INV-1043-1',
      verified: false,
    },
    kind: 'payment',
    status: 'succeeded',
    amount: { amount: 123147, currency: 'GBP' },
    occurredAt: '2026-11-02T23:40:00+00:00',
    card: { scheme: 'mastercard', last4: '0001' },
    risk: {
      avsCv2: 'security_code_only',
      securityCode: 'matched',
      threeDSecure: { status: 'not_checked' },
    },
    gateway: { txAuthNo: '19000362', bankAuthCode: '999777' },
  }),
  build({
    source: {
      protocol: 'pi',
      transactionId: 'T6569400-1516-0A3F-E3FA-7F222CC79221',
      vendorTxCode: 'INV-1044-1',
      verified: true,
    },
    kind: 'payment',
    status: 'succeeded',
    amount: { amount: 10000, currency: 'EUR' },
    occurredAt: '2026-11-03T09:00:00+01:00',
    card: { scheme: 'visa', last4: '0006' },
    risk: { fraud: { provider: 't3m', recommendation: 'challenge', score: 37 } },
  }),
  build({
    source: {
      protocol: 'pi',
      transactionId: '043D6711-E722-ACC6-2C2E-B03E00BF7603',
      vendorTxCode: 'INV-1042-R1',
      relatedTransactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
      verified: true,
    },
    kind: 'refund',
    status: 'succeeded',
    amount: { amount: 2000, currency: 'GBP' },
    occurredAt: '2026-11-04T14:00:00+00:00',
    card: { scheme: 'mastercard', last4: '0001' },
  }),
  build({
    source: {
      protocol: 'server',
      transactionId: '1E7D9C70-DBE2-4726-88EA-D369810D801D',
      vendorTxCode: 'INV-1045-1',
      verified: true,
    },
    kind: 'payment',
    status: 'declined',
    amount: { amount: 4500, currency: 'GBP' },
    occurredAt: '2026-11-04T15:30:00+00:00',
    gateway: {
      declineCode: '05',
      statusCode: '2000',
      statusDetail: 'The Authorisation was Declined by the bank.',
    },
  }),
  build({
    source: {
      protocol: 'server',
      transactionId: 'C105B177-C8D2-0EDF-50A3-16EEBD6D4FFB',
      vendorTxCode: 'INV-1046-1',
      verified: true,
    },
    kind: 'authorisation',
    status: 'succeeded',
    amount: { amount: 25000, currency: 'GBP' },
    occurredAt: '2026-11-05T08:00:00+00:00',
  }),
  build({
    source: {
      protocol: 'reporting',
      transactionId: 'EE6025C6-7D24-4873-FB92-CD7A66B9494E',
      vendorTxCode: 'INV-1046-REL',
      relatedTransactionId: 'C105B177-C8D2-0EDF-50A3-16EEBD6D4FFB',
      verified: true,
    },
    kind: 'capture',
    status: 'succeeded',
    amount: { amount: 25000, currency: 'GBP' },
    occurredAt: '2026-11-06T11:20:00+00:00',
  }),
  build({
    source: {
      protocol: 'pi',
      transactionId: '8A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B',
      vendorTxCode: 'demotransaction-100092813',
      verified: true,
    },
    kind: 'payment',
    status: 'succeeded',
    amount: { amount: 999, currency: 'GBP' },
    occurredAt: '2026-11-06T12:00:00+00:00',
  }),
  build({
    source: {
      protocol: 'pi',
      transactionId: '9B2C3D4E-1111-4F60-9BAC-1D2E3F4A5B6C',
      vendorTxCode: 'INV-1047-1',
      verified: true,
    },
    kind: 'void',
    status: 'succeeded',
    amount: { amount: 0, currency: 'GBP' },
    occurredAt: '2026-11-06T18:00:00+00:00',
    gateway: { statusCode: '2005', statusDetail: 'The Void was Successful.' },
  }),
]
