// `serve --role ack` and `serve --role worker`, two processes on one SQLite file through the real
// CLI: the ack process answers Opayo and runs no worker (its /health does not ask for one); the
// worker process, with no public listener, posts what the ack process stored to the fake
// KashFlow over loopback. A role other than all, ack or worker, or --role on another command,
// exits 2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CREDENTIALS } from './helpers.js'
import {
  notificationRequest,
  signedNotification,
  testRegistration,
} from './support/notifications.js'
import { startCli } from './support/cli-child.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-roles-'))
const env = {
  ...process.env,
  OPAYO_KASHFLOW_KASHFLOW_PASSWORD: CREDENTIALS.password,
  OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: CREDENTIALS.memorableWord,
  OPAYO_KASHFLOW_LOG_LEVEL: 'silent',
}

vi.setConfig({ testTimeout: 60_000 })

let kashflow: FakeKashflowServer
beforeAll(async () => {
  kashflow = await startFakeKashflowServer({
    port: 0,
    seed: { invoices: [{ number: 1042, gross: 120 }] },
  })
  const store = await sqliteStore({ path: join(dir, 'roles.db') })
  await store.saveRegistration(testRegistration('INV-1042-1'))
  await store.close()
  writeFileSync(
    join(dir, 'roles.json'),
    JSON.stringify({
      opayo: { vendorName: 'myshop' },
      kashflow: { username: CREDENTIALS.username, baseUrl: kashflow.url },
      posting: { bankAccountId: 55166, paymentMethodId: 409844 },
      references: ['INV-{invoice}-{*}'],
      store: { sqlite: join(dir, 'roles.db') },
      server: { port: 0, redirectUrl: 'https://shop.example/thanks' },
      poll: false,
    }),
  )
})
afterAll(async () => {
  await kashflow.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('opayo-kashflow serve --role', () => {
  it('acknowledges in the ack process and posts from the worker process, sharing the store', async () => {
    const ack = startCli(['serve', '--role', 'ack', '--config', 'roles.json'], { cwd: dir, env })
    const worker = startCli(['serve', '--role', 'worker', '--config', 'roles.json'], {
      cwd: dir,
      env,
    })
    try {
      const [, url] = await ack.waitFor(/listening on (http:\/\/\S+) .*role ack/)
      await worker.waitFor(/worker is running \(role worker/)
      expect(worker.output()).not.toContain('listening on')
      const reply = await fetch(
        notificationRequest(`${url}/opayo/notify`, signedNotification('INV-1042-1')),
      )
      expect(await reply.text()).toMatch(/^Status=OK/)
      for (let i = 0; i < 200 && !kashflow.fake.invoices.get(1042)?.PaymentLines.length; i++)
        await new Promise((resolve) => setTimeout(resolve, 50))
      expect(kashflow.fake.invoices.get(1042)?.PaymentLines).toHaveLength(1)
      // Past the 5 s grace a worker may take to start: the ack process still says ok.
      await new Promise((resolve) => setTimeout(resolve, 5_500))
      const health = await fetch(`${url}/health`)
      expect(health.status).toBe(200)
      expect(ack.output()).not.toContain('no worker has started')
    } finally {
      expect(await ack.stop()).toBe(0)
      expect(await worker.stop()).toBe(0)
    }
  })

  it.each([
    [['serve', '--role', 'acks'], /--role must be one of all, ack, worker \(got "acks"\)/],
    [['status', '--role', 'ack'], /--role applies to serve only/],
  ])('%j exits 2, saying why', async (args, message) => {
    const cli = startCli([...args, '--config', 'roles.json'], { cwd: dir, env })
    const result = { code: await cli.exited, stderr: cli.output() }
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })
})
