import type { CanonicalPayment, Result } from '@opayo-kashflow/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { OpayoPiClient, PiTransaction, ServerNotification } from '../src/index.js'
import {
  createServerNotificationHandler,
  parseServerNotification,
  toCanonicalPayment,
} from '../src/index.js'

describe('opayo public types', () => {
  it('parses to a Result of ServerNotification with wire names', () => {
    expectTypeOf(parseServerNotification('')).toEqualTypeOf<Result<ServerNotification>>()
    expectTypeOf<ServerNotification['3DSecureStatus']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<ServerNotification['Status']>().toExtend<string>()
  })

  it('gives a web-standard handler', () => {
    expectTypeOf(createServerNotificationHandler).returns.toEqualTypeOf<
      (request: Request) => Promise<Response>
    >()
  })

  it('normalises every source to a Result<CanonicalPayment>', () => {
    expectTypeOf(toCanonicalPayment).returns.toEqualTypeOf<Result<CanonicalPayment>>()
  })

  it('types Pi amounts as minor-unit integers and statuses as a closed union', () => {
    expectTypeOf<
      OpayoPiClient['transactions']['get']
    >().returns.resolves.toEqualTypeOf<PiTransaction>()
    expectTypeOf<PiTransaction['status']>().toEqualTypeOf<
      | 'Ok'
      | 'NotAuthed'
      | 'Rejected'
      | '3DAuth'
      | 'Malformed'
      | 'Invalid'
      | 'Error'
      | 'Registered'
      | 'Authenticated'
    >()
  })
})
