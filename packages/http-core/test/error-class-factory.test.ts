import { OpayoKashflowError, isOpayoKashflowError } from '@opayo-kashflow/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { errorClassFactory } from '../src/index.js'

interface ShopDetails {
  readonly status?: number | undefined
}

class ShopError extends OpayoKashflowError {
  override readonly name: string = 'ShopError'
  readonly status: number | undefined
  constructor(code: string, message: string, details: ShopDetails = {}) {
    super(code, message)
    this.status = details.status
  }
}

const make = errorClassFactory(ShopError)
class ShopClosedError extends make('ShopClosedError', 'shop_closed') {}
class ShopBusyError extends make('ShopBusyError', 'shop_busy') {}

describe('errorClassFactory', () => {
  it('makes classes with a literal name, a stable code and the base facts', () => {
    const error = new ShopClosedError('The shop is closed.', { status: 503 })
    expect(error).toBeInstanceOf(ShopClosedError)
    expect(error).toBeInstanceOf(ShopError)
    expect(error).toBeInstanceOf(OpayoKashflowError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({
      name: 'ShopClosedError',
      code: 'shop_closed',
      message: 'The shop is closed.',
      status: 503,
    })
    expect(isOpayoKashflowError(error)).toBe(true)
  })

  it('makes distinct classes from one factory', () => {
    const busy = new ShopBusyError('Busy.')
    expect(busy).not.toBeInstanceOf(ShopClosedError)
    expect(busy).toMatchObject({ name: 'ShopBusyError', code: 'shop_busy', status: undefined })
  })

  it('types the name as its literal and keeps the base members', () => {
    const error = new ShopClosedError('x')
    expectTypeOf(error.name).toEqualTypeOf<'ShopClosedError'>()
    expectTypeOf(error.status).toEqualTypeOf<number | undefined>()
    expectTypeOf(error).toMatchTypeOf<ShopError>()
  })
})
