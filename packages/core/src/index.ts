// The public surface of @opayo-kashflow/core. Everything exported is listed by name.

export { ISSUE_CODES, issue } from './result/issue.js'
export type { Issue, IssueCode, IssuePath } from './result/issue.js'
export { ok, err } from './result/result.js'
export type { Result } from './result/result.js'
export {
  OpayoKashflowError,
  isOpayoKashflowError,
  InvalidArgumentError,
  CustomFieldMappingError,
  PostingRulesError,
} from './errors/opayo-kashflow-error.js'
export { Secret, toSecret } from './secret/secret.js'

export { CurrencyCodeSchema, isCurrencyCode, minorUnitExponent } from './money/currency.js'
export type { CurrencyCode } from './money/currency.js'
export { ISO_4217_MINOR_UNITS } from './money/iso-4217.js'
export {
  MinorUnitsSchema,
  MoneySchema,
  money,
  parseAmount,
  add,
  subtract,
  negate,
  compare,
  isZero,
  allocate,
  toDecimalString,
  toMajorUnitsNumber,
  format,
} from './money/money.js'
export type { MinorUnits, Money } from './money/money.js'

export { RateRecordSchema, staticRateProvider, convert, invertRate } from './currency/convert.js'
export type { RateRecord, RateProvider, Conversion, RoundingMode } from './currency/convert.js'

export { CanonicalAddressSchema, standardiseAddress, fitAddressLines } from './address/address.js'
export type {
  CanonicalAddress,
  AddressInput,
  AddressChange,
  AddressTarget,
  StandardiseAddressOptions,
} from './address/address.js'
export { CountryCodeSchema, resolveCountry, countryName } from './address/country.js'
export type { CountryCode } from './address/country.js'
export { formatUkPostcode } from './address/uk-postcode.js'
export { toLatin1 } from './address/latin1.js'
export type { Latin1Change } from './address/latin1.js'

export {
  PAYMENT_PROTOCOLS,
  PAYMENT_KINDS,
  PAYMENT_STATUSES,
  CARD_SCHEMES,
  CHECK_RESULTS,
  AVS_CV2_SUMMARIES,
  THREE_D_SECURE_STATUSES,
  FRAUD_RECOMMENDATIONS,
  RiskSchema,
  CardSchema,
  GatewayReferencesSchema,
  PaymentSourceSchema,
  CanonicalPaymentSchema,
  canonicalPaymentId,
  normaliseTransactionId,
} from './model/canonical-payment.js'
export type {
  PaymentProtocol,
  PaymentKind,
  PaymentStatus,
  CardScheme,
  CheckResult,
  AvsCv2Summary,
  ThreeDSecureStatus,
  FraudRecommendation,
  Risk,
  Card,
  GatewayReferences,
  PaymentSource,
  CanonicalPayment,
  CanonicalPaymentInput,
} from './model/canonical-payment.js'
export { CanonicalCustomerSchema } from './model/canonical-customer.js'
export type { CanonicalCustomer } from './model/canonical-customer.js'
export { parseCanonicalPayment } from './model/parse.js'

export {
  InvoiceNumberSchema,
  toInvoiceNumber,
  createReferenceParser,
  renderVendorTxCode,
  VENDOR_TX_CODE_PATTERN,
} from './reference/reference-parser.js'
export type {
  InvoiceNumber,
  ReferencePattern,
  ReferenceParser,
} from './reference/reference-parser.js'

export {
  defineCustomFieldMappings,
  applyCustomFieldMappings,
} from './custom-fields/custom-fields.js'
export type {
  CustomField,
  CustomFieldTarget,
  CustomFieldMapping,
  CustomFieldMappings,
} from './custom-fields/custom-fields.js'
export { customFieldPresets } from './custom-fields/presets.js'
export type { PresetOptions } from './custom-fields/presets.js'
export type { PaymentPath } from './custom-fields/payment-paths.js'

export { SKIP_REASONS, DEAD_LETTER_REASONS } from './posting/intent.js'
export type {
  PostingIntent,
  InvoicePaymentIntent,
  InvoiceRefundIntent,
  JournalIntent,
  JournalLine,
  CustomerUpsertIntent,
  SkipIntent,
  SkipReason,
  DeadLetterIntent,
  DeadLetterReason,
  AppliedConversion,
} from './posting/intent.js'
export { PostingRulesSchema, definePostingRules } from './posting/rules.js'
export type { PostingRules, PostingRulesInput } from './posting/rules.js'
export { planPostings } from './posting/plan-postings.js'
export type { PlanContext } from './posting/plan-postings.js'
export { postingMarker, findPostingMarker } from './posting/marker.js'
export type { MarkerPurpose } from './posting/marker.js'
export { londonDate, addDays } from './posting/london-date.js'

// Settlement accounting (clearing mode): fee rules, fee statements, batch planning.
export { FeeRuleSchema, FeeRulesSchema, defineFeeRules, feeFor } from './settlement/fee-rules.js'
export type { FeeRule, FeeRules, FeeRulesInput, FeeSubject } from './settlement/fee-rules.js'
export { parseFeeStatement } from './settlement/fee-statement.js'
export {
  ChargeStatementLineSchema,
  ChargeStatementSchema,
  chargeMarker,
  parseChargeStatements,
} from './settlement/charge-statement.js'
export type {
  ChargeStatement,
  ChargeStatementInput,
  ChargeStatementLine,
} from './settlement/charge-statement.js'
export type { LineIssue } from './internal/csv.js'
export {
  ChargeRuleSchema,
  ChargeRulesSchema,
  defineChargeRules,
  planMonthlyCharges,
} from './settlement/plan-monthly-charges.js'
export { planChargeTrueUp } from './settlement/charge-true-up.js'
export type { ChargeTrueUp } from './settlement/charge-true-up.js'
export type {
  ChargeRule,
  ChargeRules,
  ChargeRulesInput,
  MonthlyChargePlan,
  PlannedCharge,
} from './settlement/plan-monthly-charges.js'
export type { FeeStatementRow, FeeStatementIssue } from './settlement/fee-statement.js'
export {
  SETTLEMENT_MARKER_PURPOSES,
  normaliseBatchId,
  settlementMarker,
  findSettlementMarker,
} from './settlement/settlement-marker.js'
export type {
  SettlementMarkerPurpose,
  SettlementMarkerMatch,
} from './settlement/settlement-marker.js'
export { SettlementConfigError } from './settlement/settlement-config-error.js'
export {
  SettlementBankAccountSchema,
  SettlementAccountsSchema,
  defineSettlementAccounts,
} from './settlement/settlement-accounts.js'
export type {
  SettlementBankAccount,
  SettlementAccounts,
  SettlementAccountsInput,
} from './settlement/settlement-accounts.js'
export {
  SettlementTransactionSchema,
  SettlementBatchSchema,
  SettlementOpayoTotalsSchema,
} from './settlement/settlement-batch.js'
export type {
  SettlementTransaction,
  SettlementBatch,
  SettlementBatchInput,
  SettlementOpayoTotals,
} from './settlement/settlement-batch.js'
export { SETTLEMENT_WAIT_REASONS } from './settlement/settlement-plan-types.js'
export type {
  SettlementFees,
  PlanSettlementOptions,
  SettlementTransferIntent,
  SettlementTransactionLine,
  SettlementTotals,
  SettlementWaitReason,
  SettlementPostPlan,
  SettlementWaitPlan,
  SettlementDeadLetterPlan,
  SettlementPlan,
} from './settlement/settlement-plan-types.js'
export { planSettlement } from './settlement/plan-settlement.js'
export { matchDeposit } from './settlement/match-deposit.js'
export { BankStatementColumnsSchema, parseBankStatement } from './settlement/bank-statement.js'
export { parseOfxStatement } from './settlement/ofx-statement.js'
export type { OfxStatement } from './settlement/ofx-statement.js'
export type {
  BankStatementColumns,
  BankStatementColumnsInput,
  BankStatementLine,
} from './settlement/bank-statement.js'
export type {
  DepositCandidate,
  DepositLine,
  DepositMatch,
  ExpectedDeposit,
} from './settlement/match-deposit.js'

// Matching when the reference fails: ranked invoice candidates with reasons, policy as data.
export { InvoiceCandidateInputSchema, MATCH_REASON_WEIGHTS } from './matching/invoice-candidate.js'
export type {
  InvoiceCandidateInput,
  InvoiceCandidate,
  InvoiceRanking,
  ExcludedInvoice,
  ExclusionCode,
  MatchReason,
  MatchReasonCode,
  ReferenceResemblance,
} from './matching/invoice-candidate.js'
export { rankInvoiceCandidates } from './matching/rank-invoice-candidates.js'
export type { RankInvoiceCandidatesOptions } from './matching/rank-invoice-candidates.js'
export { suggestInvoiceNumbers } from './matching/suggest-invoice-numbers.js'
export type { ReferenceSuggestion } from './matching/suggest-invoice-numbers.js'
export {
  MatchingPolicySchema,
  defineMatchingPolicy,
  decideMatch,
} from './matching/matching-policy.js'
export type {
  MatchingPolicy,
  MatchingPolicyInput,
  MatchDecision,
  MatchReviewReason,
} from './matching/matching-policy.js'
export { MatchingPolicyError } from './matching/matching-policy-error.js'
export { candidateQuery } from './matching/candidate-query.js'
export type { InvoiceCandidateQuery, CandidateQueryOptions } from './matching/candidate-query.js'
