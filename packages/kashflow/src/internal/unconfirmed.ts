// Every KashFlow fact the specs mark UNCONFIRMED, with the best guess we use, in one place so a
// user with a KashFlow account can check each (see packages/kashflow/README.md, "Unconfirmed").

export const KASHFLOW_UNCONFIRMED = {
  /** Largest `perpage` the list endpoints accept without `skipperpagevalidation` (specs §4.1). */
  maxPerPage: 100,
  /** Logout: the swagger's path form `DELETE /sessiontoken/{token}` (specs §3.3). */
  logoutPath: (token: string) => `sessiontoken/${encodeURIComponent(token)}`,
  /** Payment methods for invoices: `GET /paymentmethods/invoice` → `[{ Id, Name }]` (specs §5.2). */
  paymentMethodsPath: 'paymentmethods/invoice',
  /**
   * A refund is a payment with a negative `Amount` and `IsExternalRefund: true` (specs §5.3,
   * §10). Bulk payment items have no `IsExternalRefund`, so refunds go through the same bulk
   * route with a negative amount and the flag in the note.
   */
  refundAsNegativePayment: true,
  /** Bulk payment dates: `YYYY-MM-DD` as hcs-app sends them in production (specs §4.5). */
  bulkPaymentDate: (date: string) => date,
  /** POST /journals body: the template-shaped best guess of specs §8.4. */
  journalBody: 'LineItems with Debit/Credit numbers, JournalDate, JournalName, Comment, Category 0',
  /** Deleting a payment: `POST /internal/invoices/{number}/payments/{paymentId}/unallocate` (specs §5.2). */
  deletePaymentPath: (invoiceNumber: number, paymentId: number) =>
    `internal/invoices/${invoiceNumber}/payments/${paymentId}/unallocate`,
  /** `GET /customers/search?searchBy=email` returns `[{ key: customerId, value }]`; the code comes from the list. */
  customerSearchReturnsIds: true,
} as const
