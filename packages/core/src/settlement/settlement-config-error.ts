import { OpayoKashflowError } from '../errors/opayo-kashflow-error.js'
import type { Issue } from '../result/issue.js'

/**
 * `defineFeeRules`, `defineSettlementAccounts` or `defineChargeRules` found problems in the settlement set-up.
 * `issues` lists every one of them, not only the first; `what` names the set-up that failed.
 * @example
 * try { defineFeeRules({ currency: 'GBP', rules: [] }) }
 * catch (e) { if (e instanceof SettlementConfigError) console.error(e.issues) }
 */
export class SettlementConfigError extends OpayoKashflowError {
  override readonly name = 'SettlementConfigError' as const
  readonly what: 'fee rules' | 'settlement accounts' | 'charge rules'
  readonly issues: readonly Issue[]

  constructor(what: SettlementConfigError['what'], issues: readonly Issue[]) {
    super(
      'settlement_config_invalid',
      `The ${what} are invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `- [${i.path.join('.')}] ${i.message}`).join('\n'),
    )
    this.what = what
    this.issues = issues
  }
}
