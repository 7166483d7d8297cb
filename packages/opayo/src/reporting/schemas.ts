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

/** One batch from `getBatchList`. */
export const ReportingBatchSchema = z.looseObject({
  batchid: z.string().min(1),
  authprocessorname: s,
  completed: s,
})
export type ReportingBatch = z.output<typeof ReportingBatchSchema>
