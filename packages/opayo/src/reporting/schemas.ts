import { z } from 'zod'

const s = z.string().optional()

/**
 * One transaction from `getTransactionDetail` or a `getTransactionList` row (element names from
 * joeratzer/opayo-admin-and-reporting-api-client Models/Responses/TransactionDetail.cs).
 * Element names are Opayo's, lower-case; every value is text as sent.
 */
export const ReportingTransactionSchema = z.looseObject({
  vpstxid: z.string().min(1),
  vendortxcode: z.string().min(1),
  transactiontype: s,
  txstateid: z.string().regex(/^\d+$/),
  status: s,
  relatedtransactionid: s,
  relatedvendortxcode: s,
  amount: s,
  currency: s,
  started: s,
  completed: s,
  paymentsystem: s,
  last4digits: s,
  expirydate: s,
  vpsauthcode: s,
  bankauthcode: s,
  declinecode: s,
  cv2result: s,
  addressresult: s,
  postcoderesult: s,
  threedresult: s,
  eci: s,
  t3mscore: s,
  t3maction: s,
  billingfirstnames: s,
  billingsurname: s,
  billingaddress: s,
  billingaddress2: s,
  billingcity: s,
  billingstate: s,
  billingpostcode: s,
  billingcountry: s,
  billingphone: s,
  customeremail: s,
  giftaid: s,
  surcharge: s,
})
export type ReportingTransaction = z.output<typeof ReportingTransactionSchema>

/**
 * `getFraudScreenDetail`: ReD or T3M (FSG) (ebizmarts SagePaySuite Model/Api/Reporting.php and
 * its fixtures in Test/Unit/Model/Api/ReportingTest.php).
 */
export const ReportingFraudDetailSchema = z.looseObject({
  fraudprovidername: s,
  fraudscreenrecommendation: s,
  fraudid: s,
  fraudcode: s,
  fraudcodedetail: s,
  t3mid: s,
  t3mscore: s,
  t3maction: s,
})
export type ReportingFraudDetail = z.output<typeof ReportingFraudDetailSchema>

/**
 * One `transactiongroup` of a `getBatchList` batch: Opayo's own totals for one currency of the
 * batch (fhdalikhan/opayo-reporting-api src/GetBatchList.php reads `paymentnumber`; Ebizmarts
 * SagePaySuite M1 `Ebizmarts_SagePaySuite_Block_Adminhtml_Dashboard::getSettlements` reads
 * `currency`, `paymentvalue`, `refundvalue`). Text as sent; `readBatchListRow` reads it.
 */
export const ReportingTransactionGroupSchema = z.looseObject({
  currency: s,
  paymentnumber: s,
  paymentvalue: s,
  refundnumber: s,
  refundvalue: s,
})
export type ReportingTransactionGroup = z.output<typeof ReportingTransactionGroupSchema>

/**
 * One batch from `getBatchList`, as the public clients read it (fhdalikhan GetBatchList.php;
 * Ebizmarts M1 getSettlements): `batchid`, `authprocessorname` (getBatchDetail's
 * `authprocessor`), `completed` (a London date-time `d/m/Y H:i:s.u`, the settlement date) and
 * `transactiongroups/transactiongroup[]`. Loose: a row is validated here only as far as the list
 * can still be returned; {@link readBatchListRow} says whether one row can be settled.
 */
export const ReportingBatchSchema = z.looseObject({
  batchid: z.string().min(1),
  authprocessorname: s,
  completed: s,
  /** An empty element parses as `''`. */
  transactiongroups: z
    .union([
      z.looseObject({ transactiongroup: z.array(ReportingTransactionGroupSchema).optional() }),
      z.string(),
    ])
    .optional(),
})
export type ReportingBatch = z.output<typeof ReportingBatchSchema>
