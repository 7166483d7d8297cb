// Starts the notification endpoint on a free loopback port, then posts notifications to it the
// way Opayo does: a payment, the same notification again, a tampered one, and a decline.
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { format } from '@opayo-kashflow/core'
import { REGISTRATIONS, startNotificationServer } from './server.js'

const vendorName = 'myshop'
const server = await startNotificationServer({ vendorName })
const keyFor = (code: string) => REGISTRATIONS.get(code)?.securityKey ?? ''

const payment = signServerNotification(buildServerNotification({ VendorTxCode: 'INV-1042-1' }), {
  vendorName,
  securityKey: keyFor('INV-1042-1'),
})
const decline = signServerNotification(
  buildServerNotification({
    VendorTxCode: 'INV-1043-1',
    VPSTxId: '{1E7D9C70-DBE2-4726-88EA-D369810D801D}',
    Status: 'NOTAUTHED',
    StatusDetail: '2000 : The Authorisation was Declined by the bank.',
  }),
  { vendorName, securityKey: keyFor('INV-1043-1') },
)

const cases: [string, Record<string, string>][] = [
  ['payment', payment],
  ['same notification again', payment],
  ['tampered (Status changed after signing)', { ...payment, Status: 'NOTAUTHED' }],
  ['declined by the bank', decline],
]
for (const [label, fields] of cases) {
  const reply = await postServerNotification(server.url, fields)
  console.log(
    `${label.padEnd(42)} -> ${reply.status} ${reply.redirectUrl ?? ''} ${reply.statusDetail ?? ''}`,
  )
}
console.log(`\nRecorded ${server.received.length} notifications:`)
for (const p of server.received)
  console.log(`  ${p.source.vendorTxCode} ${p.kind}/${p.status} ${format(p.amount)} (${p.id})`)
await server.close()
