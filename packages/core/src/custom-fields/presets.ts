import type { CustomFieldMapping, CustomFieldTarget } from './custom-fields.js'

/** Options every preset takes: the KashFlow field name and where it lands. */
export interface PresetOptions {
  /** The custom field's `Name` in KashFlow. Each preset has a default. */
  readonly name?: string
  /** @default 'invoice' (the values describe one transaction) */
  readonly target?: CustomFieldTarget
}

const RECOMMENDATION_TEXT = {
  accept: 'Accept',
  challenge: 'Challenge',
  deny: 'Deny',
  not_checked: 'Not checked',
} as const

const text = (
  defaults: { name: string },
  options: PresetOptions,
  rest: Pick<CustomFieldMapping, 'from' | 'transform'>,
): CustomFieldMapping => ({
  target: options.target ?? 'invoice',
  kind: 'text',
  name: options.name ?? defaults.name,
  ...rest,
})

/**
 * Ready-made mappings for the usual Opayo facts. Each returns a {@link CustomFieldMapping} to pass
 * to `defineCustomFieldMappings`.
 * @example defineCustomFieldMappings([customFieldPresets.fraudScore(), customFieldPresets.opayoTransactionId({ name: 'Opayo ref' })])
 */
export const customFieldPresets = {
  /** T3M fraud score (ReD gives no score; the field is then left unwritten). Default name "Fraud score". */
  fraudScore: (options: PresetOptions = {}) =>
    text({ name: 'Fraud score' }, options, { from: 'risk.fraud.score' }),
  /** ReD/T3M recommendation as words ("Accept", "Challenge", "Deny"). Default name "Fraud check". */
  fraudRecommendation: (options: PresetOptions = {}) =>
    text({ name: 'Fraud check' }, options, {
      from: 'risk.fraud.recommendation',
      transform: (value) =>
        RECOMMENDATION_TEXT[value as keyof typeof RECOMMENDATION_TEXT] ?? String(value),
    }),
  /** AVS/CV2 summary plus per-field results, e.g. "all_match (address matched, postcode matched, CV2 matched)". */
  avsCv2: (options: PresetOptions = {}) =>
    text({ name: 'AVS/CV2' }, options, {
      from: (payment) => {
        const risk = payment.risk
        if (risk?.avsCv2 === undefined) return undefined
        const parts = [
          risk.address && `address ${risk.address}`,
          risk.postalCode && `postcode ${risk.postalCode}`,
          risk.securityCode && `CV2 ${risk.securityCode}`,
        ].filter(Boolean)
        return parts.length > 0 ? `${risk.avsCv2} (${parts.join(', ')})` : risk.avsCv2
      },
    }),
  /** 3-D Secure status ("authenticated", "attempted", ...). Default name "3-D Secure". */
  threeDSecure: (options: PresetOptions = {}) =>
    text({ name: '3-D Secure' }, options, { from: 'risk.threeDSecure.status' }),
  /** Opayo's transaction id (VPSTxId). Default name "Opayo transaction". */
  opayoTransactionId: (options: PresetOptions = {}) =>
    text({ name: 'Opayo transaction' }, options, { from: 'source.transactionId' }),
  /** The bank's authorisation code. Default name "Bank auth code". */
  bankAuthCode: (options: PresetOptions = {}) =>
    text({ name: 'Bank auth code' }, options, { from: 'gateway.bankAuthCode' }),
} as const
