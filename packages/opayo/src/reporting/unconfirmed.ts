// Reporting API facts no public source confirms (Opayo publishes no limits, and working clients
// disagree), kept in one place so a user with a sandbox can check and change them (see
// packages/opayo/README.md, "Unconfirmed").

export const REPORTING_UNCONFIRMED = {
  /**
   * Longest date range one getTransactionList call may cover. Opayo's limit is not published;
   * longer ranges are split into windows of this many days.
   */
  maxRangeDays: 31,
  /** Rows per getTransactionList page (startrow/endrow window); getBatchDetail documents ≤ 50. */
  pageSize: 50,
  /** The element that wraps getTransactionList rows (`<transactions><transaction>…`). */
  listWrapper: 'transactions',
  /**
   * The element for a VendorTxCode in getTransactionDetail. ebizmarts (working production code,
   * and the signature vectors) sends `vendorTxCode`; other clients send `vendortxcode`.
   */
  vendorTxCodeElement: 'vendorTxCode',
  /**
   * The pace at which the sync service asks the Reporting API to confirm hints (Form returns, Pi
   * hand-overs): at most `limit` getTransactionDetail requests in any `windowMs`. Opayo publishes
   * no Reporting rate limit (developer-eu.elavon.com/docs/opayo-reporting-api states none, and
   * no public client paces itself), so this is a conservative guess: one request a second and a
   * burst of one. If Opayo allows less, confirmations meet errors and hints wait for their next
   * step on the confirmation schedule (the Reporting poll still finds every payment); if it
   * allows more, a flood of hints is confirmed more slowly than it could be. Configurable
   * (`confirmationRateBudget`, CLI `hints.confirmationRateBudget`).
   */
  confirmationRateBudget: { limit: 2, windowMs: 1000 },
  /** Reporting `errorcode` for "transaction not found" (ebizmarts TRANSACTION_NOT_FOUND). */
  notFoundCode: '0043',
  /**
   * getBatchList rows (`readBatchListRow`). Opayo publishes no sample; two public clients read
   * them: fhdalikhan/opayo-reporting-api `src/GetBatchList.php` and Ebizmarts SagePaySuite M1
   * `Ebizmarts_SagePaySuite_Block_Adminhtml_Dashboard::getSettlements`. The fixture
   * `packages/opayo/test/fixtures/batch-list.ts` is built from what they read.
   */
  batchList: {
    /**
     * `completed` is the settlement date-time, `d/m/Y H:i:s.u` in Europe/London (fhdalikhan:
     * `DateTimeImmutable::createFromFormat('d/m/Y H:i:s.u', completed, Europe/London)`, used as
     * the settlement date). The batch is dated by its London calendar date. If wrong (a date in
     * another zone or not the settlement date), batches are dated a day off; if the element is
     * missing or not a date-time, the row is "cannot tell" and nothing of it is settled.
     */
    completedFormat: 'd/m/Y H:i:s.u',
    /**
     * A listed batch without a `completed` date-time (empty, absent, `YES`/`NO`) is taken as
     * open or unreadable: it is not read, and the poller reports it and reads it again next time.
     * No public source shows an open batch. If open batches do carry a `completed` date-time,
     * they are read too early and their detail rows will not add up to their totals (a dead
     * letter, not a wrong posting).
     */
    closedHasCompletedDateTime: true,
    /**
     * `transactiongroups/transactiongroup[]` holds one group per currency with `currency`,
     * `paymentnumber`, `paymentvalue` and `refundvalue` (Ebizmarts: net = paymentvalue -
     * refundvalue per currency; fhdalikhan sums paymentnumber over the groups). If wrong, every
     * batch is "cannot tell" (reported, nothing settled).
     */
    groupsPerCurrency: true,
    /**
     * Values are decimal major units (`123.45`), as Ebizmarts reads them (`(float)`). If they were
     * minor units, every batch would be dead-lettered `settlement_totals_mismatch`.
     */
    valuesInMajorUnits: true,
    /**
     * An absent `refundvalue` reads as zero (Ebizmarts' `(float)` of a missing element is 0). Safe
     * either way: rows with refunds would then not add up, and the batch is dead-lettered
     * `settlement_totals_mismatch` instead of settled.
     */
    absentRefundValueIsZero: true,
    /**
     * `refundnumber` is listed by the spec but read by no public client: it is checked against
     * the rows when present and never required. `paymentnumber` likewise is checked when present.
     */
    countsCheckedWhenPresent: true,
  },
} as const
