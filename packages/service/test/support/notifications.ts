// What the service tests send as Opayo: a stored Server registration and the notification Opayo
// posts for it, signed with that registration's SecurityKey (vendor `myshop`).
import type { RegistrationRecord } from '@opayo-kashflow/sync'
import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'

/** The SecurityKey of every test registration. */
export const TEST_KEY = 'IK776BWNHN'
export const TEST_VENDOR = 'myshop'

/** A £120.00 PAYMENT registration for `vendorTxCode`, as `registerServerTransaction` stores it. */
export function testRegistration(
  vendorTxCode: string,
  extra: Partial<RegistrationRecord> = {},
): RegistrationRecord {
  return {
    vendorTxCode,
    securityKey: TEST_KEY,
    amount: 12000,
    currency: 'GBP',
    txType: 'PAYMENT',
    createdAt: 0,
    ...extra,
  }
}

/** The urlencoded body of a signed OK notification for `vendorTxCode` (and `vpsTxId`). */
export function signedNotification(vendorTxCode: string, vpsTxId?: string): string {
  return new URLSearchParams(
    signServerNotification(
      buildServerNotification({
        VendorTxCode: vendorTxCode,
        ...(vpsTxId ? { VPSTxId: vpsTxId } : {}),
      }),
      { vendorName: TEST_VENDOR, securityKey: TEST_KEY },
    ),
  ).toString()
}

/** A POST of `body` to `url` as Opayo sends it. */
export function notificationRequest(url: string, body: string): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })
}
