// A NotificationURL endpoint on plain node:http. The handler is web-standard
// (Request -> Response); these few lines adapt node's request and response to it.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { money } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import { createServerNotificationHandler, memoryReplyStore } from '@opayo-kashflow/opayo'
import type { Registration } from '@opayo-kashflow/opayo'

/** What the shop stored when it registered each transaction with Opayo (normally a database). */
export const REGISTRATIONS: ReadonlyMap<string, Registration & { securityKey: string }> = new Map([
  [
    'INV-1042-1',
    {
      securityKey: 'IK776BWNHN',
      amount: money(12000, 'GBP'),
      customer: { email: 'sam@example.co.uk' },
    },
  ],
  ['INV-1043-1', { securityKey: 'JEUPDN1N7E', amount: money(4500, 'GBP') }],
])

export async function startNotificationServer(options: { vendorName: string; port?: number }) {
  const received: CanonicalPayment[] = []
  const handle = createServerNotificationHandler({
    vendorName: options.vendorName,
    lookupRegistration: (vendorTxCode) => REGISTRATIONS.get(vendorTxCode),
    onNotification: ({ payment }) => {
      received.push(payment) // persist it here before returning: acknowledging means stored
      return `https://shop.example/thanks?order=${payment.source.vendorTxCode}`
    },
    redirectUrl: 'https://shop.example/order-problem',
    replies: memoryReplyStore(),
  })

  const server: Server = createServer(
    (req, res) =>
      void toWeb(req)
        .then(handle)
        .then((r) => send(r, res)),
  )
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/opayo/notify`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}

async function toWeb(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers.set(name, value)
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  })
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}
