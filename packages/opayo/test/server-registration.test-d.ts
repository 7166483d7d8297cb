import type { Money, Secret } from '@opayo-kashflow/core'
import { describe, expectTypeOf, it } from 'vitest'
import type {
  OpayoServerClient,
  Registration,
  ServerNotificationHandlerOptions,
  ServerRegistration,
  ServerRegistrationInput,
} from '../src/index.js'

describe('Server registration public types', () => {
  it('register takes the input and resolves to a ServerRegistration', () => {
    expectTypeOf<OpayoServerClient['register']>()
      .parameter(0)
      .toEqualTypeOf<ServerRegistrationInput>()
    expectTypeOf<
      OpayoServerClient['register']
    >().returns.resolves.toEqualTypeOf<ServerRegistration>()
  })

  it('keeps the SecurityKey as a Secret and the amount as Money', () => {
    expectTypeOf<ServerRegistration['securityKey']>().toEqualTypeOf<Secret>()
    expectTypeOf<ServerRegistration['amount']>().toEqualTypeOf<Money>()
    expectTypeOf<ServerRegistration['status']>().toEqualTypeOf<'OK' | 'OK REPEATED'>()
  })

  it('is a Registration as it stands, so lookupRegistration can return it', () => {
    expectTypeOf<ServerRegistration>().toExtend<Registration>()
    expectTypeOf<ServerRegistration>().toExtend<
      NonNullable<Awaited<ReturnType<ServerNotificationHandlerOptions['lookupRegistration']>>>
    >()
  })

  it('takes amounts as Money and a closed set of TxTypes', () => {
    expectTypeOf<ServerRegistrationInput['txType']>().toEqualTypeOf<
      'PAYMENT' | 'DEFERRED' | 'AUTHENTICATE' | undefined
    >()
  })
})
