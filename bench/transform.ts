// `core transform`: the work between a Server notification's raw body and the posting decision
// (parse the urlencoded body, verify VPSSignature, build the canonical payment, plan postings),
// through the project's public functions, against a hand-written version of the same work with no
// library, on the same signed bodies in the same run. Also the per-function figures of core's hot
// paths (parseAmount, convert, CanonicalPaymentSchema.parse, planPostings) against JSON.parse.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/transform.ts
import * as nodeCrypto from 'node:crypto'
import { pathToFileURL } from 'node:url'
import {
  CanonicalPaymentSchema,
  convert,
  createReferenceParser,
  definePostingRules,
  money,
  parseAmount,
  parseCanonicalPayment,
  planPostings,
} from '@opayo-kashflow/core'
import type { CanonicalPaymentInput, PostingIntent } from '@opayo-kashflow/core'
import {
  parseServerNotification,
  toCanonicalPayment,
  verifyServerNotification,
} from '@opayo-kashflow/opayo'
import type { Registration } from '@opayo-kashflow/opayo'
import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import { opsPerSecond, runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const secrets = { vendorName: 'MyShop', securityKey: 'IK776BWNHN' } as const
const receivedAt = '2026-11-02T10:15:00.000Z'
const rules = definePostingRules({ bankAccountId: 1, paymentMethodId: 2 })
const references = createReferenceParser(['INV-{invoice}-{*}'])

/** 256 distinct signed PAYMENT notifications, urlencoded as Opayo posts them, and their registrations. */
const EVENTS = Array.from({ length: 256 }, (_, i) => {
  const hex = (i + 1).toString(16).toUpperCase().padStart(12, '0')
  const fields = buildServerNotification({
    VendorTxCode: `INV-${1000 + i}-1`,
    VPSTxId: `{F955C22E-F67B-4DA3-8EA3-${hex}}`,
    // Some spaces and reserved characters, so decoding does real work.
    StatusDetail: `0000 : The Authorisation was Successful (${i} & more).`,
  })
  const body = new URLSearchParams(signServerNotification(fields, secrets)).toString()
  const registration: Registration = {
    securityKey: secrets.securityKey,
    amount: money(1000 + i * 37, 'GBP'),
    txType: 'PAYMENT',
  }
  return { body, registration }
})

// ---- the project's path: what the notification handler calls, then what the engine plans ----

function projectPath(body: string, registration: Registration): readonly PostingIntent[] {
  const parsed = parseServerNotification(body)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  const notification = parsed.value
  verifyServerNotification(notification, {
    vendorName: secrets.vendorName,
    securityKey: String(registration.securityKey),
  })
  const payment = toCanonicalPayment({
    protocol: 'server',
    verified: true,
    notification,
    registration,
    receivedAt,
  })
  if (!payment.ok) throw new Error(JSON.stringify(payment.issues))
  return planPostings(payment.value, rules, { references })
}

// ---- the hand-written baseline: the same work, no library ----

const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

const { createHash, timingSafeEqual } = nodeCrypto
// The fastest MD5 node:crypto offers (one-shot on Node 20.12+), as the project uses.
const oneShotHash = (
  nodeCrypto as {
    readonly hash?: (algorithm: string, data: Buffer, outputEncoding: 'buffer') => Buffer
  }
).hash
const md5 = (text: string): Buffer =>
  oneShotHash === undefined
    ? createHash('md5').update(text, 'latin1').digest()
    : oneShotHash('md5', Buffer.from(text, 'latin1'), 'buffer')

const decode = (text: string): string => {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced
}

const SIGNED_AFTER_VENDOR = [
  'AVSCV2',
  '',
  'AddressResult',
  'PostCodeResult',
  'CV2Result',
  'GiftAid',
  '3DSecureStatus',
  'CAVV',
  'AddressStatus',
  'PayerStatus',
  'CardType',
  'Last4Digits',
  'DeclineCode',
  'ExpiryDate',
  'FraudResponse',
  'BankAuthCode',
  'ACSTransID',
  'DSTransID',
  'SchemeTraceID',
]

const CHECK: Record<string, string> = {
  MATCHED: 'matched',
  NOTMATCHED: 'not_matched',
  NOTPROVIDED: 'not_provided',
  NOTCHECKED: 'not_checked',
}

function handWritten(
  body: string,
  registration: { readonly amount: { readonly amount: number; readonly currency: string } },
): readonly object[] {
  const f: Record<string, string> = {}
  for (const pair of body.split('&')) {
    const at = pair.indexOf('=')
    const name = decode(at < 0 ? pair : pair.slice(0, at))
    if (!(name in f)) f[name] = at < 0 ? '' : decode(pair.slice(at + 1))
  }
  const txId = f['VPSTxId'] ?? ''
  const vendorTxCode = f['VendorTxCode'] ?? ''
  const status = f['Status'] ?? ''
  let pre = `${txId}${vendorTxCode}${status}${f['TxAuthNo'] ?? ''}${secrets.vendorName.toLowerCase()}`
  for (const name of SIGNED_AFTER_VENDOR) pre += name === '' ? secrets.securityKey : (f[name] ?? '')
  const given = Buffer.from(f['VPSSignature'] ?? '', 'hex')
  if (given.length !== 16 || !timingSafeEqual(md5(pre), given)) throw new Error('signature')
  const transactionId = txId.replace(/[{}]/g, '').toUpperCase()
  const payment = {
    id: `opayo:${transactionId}:payment`,
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId,
      vendorTxCode,
      verified: true,
    },
    kind: 'payment',
    status: status === 'OK' ? 'succeeded' : 'failed',
    amount: registration.amount,
    occurredAt: receivedAt,
    card: { scheme: 'visa', last4: f['Last4Digits'], expiry: f['ExpiryDate'] },
    risk: {
      fraud: { provider: 'red', recommendation: 'accept' },
      avsCv2: 'all_match',
      address: CHECK[f['AddressResult'] ?? ''],
      postalCode: CHECK[f['PostCodeResult'] ?? ''],
      securityCode: CHECK[f['CV2Result'] ?? ''],
      threeDSecure: { status: 'authenticated', cavv: f['CAVV'] },
    },
    gateway: {
      txAuthNo: f['TxAuthNo'],
      bankAuthCode: f['BankAuthCode'],
      declineCode: f['DeclineCode'],
      statusCode: (f['StatusDetail'] ?? '').slice(0, 4),
      statusDetail: f['StatusDetail'],
    },
    extra: { VPSProtocol: f['VPSProtocol'], GiftAid: f['GiftAid'] },
  }
  if (payment.status !== 'succeeded' || payment.amount.amount === 0) return []
  const invoice = /^INV-(\d+)-.*?$/.exec(vendorTxCode)
  if (!invoice) throw new Error('reference')
  return [
    {
      kind: 'invoice-payment',
      paymentId: payment.id,
      marker: `OPAYO:${transactionId}:payment`,
      invoiceNumber: Number(invoice[1]),
      amount: payment.amount,
      date: LONDON.format(new Date(payment.occurredAt)),
      bankAccountId: 1,
      paymentMethodId: 2,
      reference: vendorTxCode,
      invoiceFields: [],
    },
  ]
}

// ---- core's per-function figures (moved here from bench/run.ts) ----

const input: CanonicalPaymentInput = {
  id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
    vendorTxCode: 'INV-1042-1',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 12000, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00+00:00',
}
const payment = CanonicalPaymentSchema.parse(input)
const validated = (() => {
  const parsed = parseCanonicalPayment(input)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.value
})()
const rate = { from: 'GBP', to: 'EUR', value: '1.1650', source: 'bench', at: '2026-11-01' } as const
const json = JSON.stringify(input)

const ROUNDS = 8

/** Throughput over the event set, cycling through it (events/s). */
function eventsPerSecond(run: (event: (typeof EVENTS)[number]) => unknown, ms: number): number {
  let i = 0
  return opsPerSecond(() => run(EVENTS[i++ & 255]!), ms)
}

export const section: BenchSection = {
  title: 'core transform',
  run() {
    // Both paths must agree on the decision before either is timed.
    for (const event of EVENTS) {
      const [intent] = projectPath(event.body, event.registration)
      const [hand] = handWritten(event.body, event.registration) as [{ marker: string }]
      if (intent?.kind !== 'invoice-payment' || intent.marker !== hand.marker)
        throw new Error('the project and the hand-written baseline disagree')
    }
    // Interleave short rounds of each and keep each side's best: another process on a shared
    // machine only ever slows a round down, so the best round is the closest to the real cost,
    // and a burst does not land on one side only.
    let project = 0
    let baseline = 0
    for (let round = 0; round < ROUNDS; round += 1) {
      const hand = eventsPerSecond((e) => handWritten(e.body, e.registration), 300)
      const ours = eventsPerSecond((e) => projectPath(e.body, e.registration), 300)
      baseline = Math.max(baseline, hand)
      project = Math.max(project, ours)
    }
    const ratio = project / baseline
    const figures: Figure[] = [
      {
        name: 'parse + verify + canonical + plan (Server notification body)',
        value: project,
        unit: 'events/s',
        baseline: { name: 'hand-written, no library', value: baseline, unit: 'events/s' },
        ratio,
        goal: '>= 0.667x baseline (<= 1.5x its time)',
        met: ratio >= 1 / 1.5,
        note: `One thread, best of ${ROUNDS} interleaved 0.3 s rounds each; both sides hash MD5 with node:crypto (one-shot where Node has it) and format the London date with Intl; other processes on a busy machine can move the ratio by 0.1 either way: run it twice.`,
      },
    ]
    const base = opsPerSecond(() => JSON.parse(json) as unknown)
    const cases: [string, () => unknown][] = [
      ['parseAmount("1,231.47")', () => parseAmount('1,231.47', 'GBP')],
      ['convert(£120 -> EUR)', () => convert(money(12000, 'GBP'), 'EUR', rate)],
      ['CanonicalPaymentSchema.parse', () => CanonicalPaymentSchema.parse(input)],
      // A payment the schema alone parsed is validated again by planPostings; one from
      // parseCanonicalPayment (or toCanonicalPayment) is not.
      ['planPostings(payment)', () => planPostings(payment, rules, { references })],
      ['planPostings(validated payment)', () => planPostings(validated, rules, { references })],
    ]
    for (const [name, run] of cases) {
      const ops = opsPerSecond(run)
      figures.push({
        name,
        value: ops,
        unit: 'ops/s',
        baseline: { name: 'JSON.parse(payment)', value: base, unit: 'ops/s' },
        ratio: ops / base,
        goal: 'informational (ratio to the least work any pipeline does per event)',
        met: true,
      })
    }
    return Promise.resolve(figures)
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `--profile`: the project path alone for 5 s, for `node --cpu-prof`.
  if (process.argv.includes('--profile')) {
    const rate = eventsPerSecond((e) => projectPath(e.body, e.registration), 5000)
    console.log(`project path: ${Math.round(rate)} events/s`)
  } else await runSections([section])
}
