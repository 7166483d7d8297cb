import { isCurrencyCode } from '@opayo-kashflow/core'
import type { CurrencyCode } from '@opayo-kashflow/core'
import { KashflowResponseError } from '../errors/kashflow-error.js'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { SettingsSchema } from '../wire/schemas.js'

const PATH = 'settings/customerandsupplier'

/** The account settings the client needs. */
export interface SettingsResource {
  /**
   * The account's home currency: the `homeCurrency` client option when set (no request),
   * otherwise `HomeCurrency.Code` from `GET /settings/customerandsupplier`, read once per
   * client (a failed read is not cached).
   * @throws {KashflowResponseError} when KashFlow gives no valid code; set `homeCurrency`.
   * @example
   * const home = await kashflow.settings.homeCurrency() // 'GBP'
   */
  homeCurrency(call?: KashflowCallOptions): Promise<CurrencyCode>
}

export function settingsResource(
  transport: KashflowTransport,
  configured?: CurrencyCode,
): SettingsResource {
  // One answer per client: the home currency does not change under a running integration.
  let cached: Promise<CurrencyCode> | undefined

  async function read(call?: KashflowCallOptions): Promise<CurrencyCode> {
    const settings = await transport.request(
      { method: 'GET', path: PATH, schema: SettingsSchema },
      call,
    )
    const code = settings.HomeCurrency?.Code ?? undefined
    if (code === undefined || !isCurrencyCode(code)) {
      throw new KashflowResponseError(
        `GET /${PATH} returned ${code === undefined ? 'no HomeCurrency.Code' : `HomeCurrency.Code "${code}", which is not an ISO 4217 code`}. Set the client option homeCurrency (e.g. homeCurrency: 'GBP') to the account's home currency.`,
        { method: 'GET', path: `/${PATH}` },
      )
    }
    return code
  }

  return {
    homeCurrency(call?: KashflowCallOptions): Promise<CurrencyCode> {
      if (configured !== undefined) return Promise.resolve(configured)
      cached ??= read(call).catch((error: unknown) => {
        cached = undefined
        throw error
      })
      return cached
    },
  }
}
