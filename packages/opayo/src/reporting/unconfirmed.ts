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
  /** Reporting `errorcode` for "transaction not found" (ebizmarts TRANSACTION_NOT_FOUND). */
  notFoundCode: '0043',
} as const
