// `pnpm bench`: throughput of core's hot paths, each printed as a ratio against a baseline
// measured in the same run on the same machine (so the numbers compare across machines).
import {
  CanonicalPaymentSchema,
  convert,
  createReferenceParser,
  definePostingRules,
  money,
  parseAmount,
  planPostings,
} from '@opayo-kashflow/core'
import type { CanonicalPaymentInput } from '@opayo-kashflow/core'

function opsPerSecond(run: () => unknown, ms = 400): number {
  for (let i = 0; i < 1000; i += 1) run() // warm up
  let count = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 200; i += 1) run()
    count += 200
    now = performance.now()
  }
  return (count / (now - start)) * 1000
}

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
const rules = definePostingRules({ bankAccountId: 1, paymentMethodId: 2 })
const references = createReferenceParser(['INV-{invoice}-{*}'])
const rate = { from: 'GBP', to: 'EUR', value: '1.1650', source: 'bench', at: '2026-11-01' } as const
const json = JSON.stringify(input)

// One baseline for every case: parsing the payment's JSON, the least work any pipeline does per event.
const baseline = () => JSON.parse(json) as unknown
const cases: [string, () => unknown][] = [
  ['parseAmount("1,231.47")', () => parseAmount('1,231.47', 'GBP')],
  ['convert(£120 -> EUR)', () => convert(money(12000, 'GBP'), 'EUR', rate)],
  ['CanonicalPaymentSchema.parse', () => CanonicalPaymentSchema.parse(input)],
  ['planPostings(payment)', () => planPostings(payment, rules, { references })],
]

const base = opsPerSecond(baseline)
console.log(`baseline JSON.parse(payment): ${Math.round(base).toLocaleString('en-GB')} ops/s`)
console.log('case | ops/s | ratio to baseline')
for (const [name, run] of cases) {
  const ops = opsPerSecond(run)
  console.log(`${name} | ${Math.round(ops).toLocaleString('en-GB')} | ${(ops / base).toFixed(3)}`)
}
