// `serve`'s /metrics through the real CLI (node + tsx on the sources), against the testkit's fake
// KashFlow over loopback HTTP: a signed notification is posted, and the admin listener's metrics
// show it posted, the KashFlow requests it took by route and status, and the rate budget.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer } from '@opayo-kashflow/testkit'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CREDENTIALS } from './helpers.js'
import {
  notificationRequest,
  signedNotification,
  testRegistration,
} from './support/notifications.js'
import { startCli } from './support/cli-child.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-metrics-'))
const VPS_TX_ID = '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'

vi.setConfig({ testTimeout: 60_000 })

let kashflow: FakeKashflowServer
beforeAll(async () => {
  kashflow = await startFakeKashflowServer({
    port: 0,
    seed: { invoices: [{ number: 1042, gross: 120 }] },
  })
})
afterAll(async () => {
  await kashflow.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('opayo-kashflow serve: GET /metrics on the admin listener', () => {
  it('shows a posted payment, the KashFlow requests it took and the rate budget, in Prometheus text', async () => {
    const store = await sqliteStore({ path: join(dir, 'metrics.db') })
    await store.saveRegistration(testRegistration('INV-1042-1'))
    await store.close()
    writeFileSync(
      join(dir, 'metrics.json'),
      JSON.stringify({
        opayo: { vendorName: 'myshop' },
        kashflow: {
          username: CREDENTIALS.username,
          baseUrl: kashflow.url,
          rateBudget: { limit: 30, windowMs: 1000 },
        },
        posting: { bankAccountId: 55166, paymentMethodId: 409844 },
        references: ['INV-{invoice}-{*}'],
        store: { sqlite: join(dir, 'metrics.db') },
        server: { port: 0, redirectUrl: 'https://shop.example/thanks', admin: { port: 0 } },
        poll: false,
      }),
    )
    const serve = startCli(['serve', '--config', 'metrics.json'], {
      cwd: dir,
      env: {
        ...process.env,
        OPAYO_KASHFLOW_KASHFLOW_PASSWORD: CREDENTIALS.password,
        OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: CREDENTIALS.memorableWord,
        OPAYO_KASHFLOW_LOG_LEVEL: 'silent',
      },
    })
    const [, publicUrl, adminUrl] = await serve.waitFor(
      /listening on (http:\/\/\S+) .*admin on (http:\/\/\S+)/,
    )
    try {
      const reply = await fetch(
        notificationRequest(
          `${publicUrl}/opayo/notify`,
          signedNotification('INV-1042-1', VPS_TX_ID),
        ),
      )
      expect(await reply.text()).toMatch(/^Status=OK/)
      const scrape = async () => {
        const response = await fetch(`${adminUrl}/metrics`)
        expect(response.status).toBe(200)
        return parsePrometheusTextFormat(await response.text())
      }
      const value = (m: Awaited<ReturnType<typeof scrape>>, name: string, labels = {}) =>
        Number(
          m
            .find((f) => f.name === name)
            ?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))
            ?.value,
        )
      let m = await scrape()
      for (
        let i = 0;
        i < 200 && value(m, 'opayo_kashflow_events', { state: 'posted' }) !== 1;
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        m = await scrape()
      }
      expect(value(m, 'opayo_kashflow_events', { state: 'posted' })).toBe(1)
      expect(value(m, 'opayo_kashflow_notifications_total', { outcome: 'accepted' })).toBe(1)
      expect(value(m, 'opayo_kashflow_workers_running')).toBe(1)
      expect(value(m, 'opayo_kashflow_rate_budget_ceiling')).toBe(30)
      expect(
        value(m, 'opayo_kashflow_upstream_requests_total', {
          upstream: 'kashflow',
          method: 'GET',
          route: '/v2/invoices/:id',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(1)
      expect(kashflow.fake.invoices.get(1042)?.PaymentLines).toHaveLength(1)
    } finally {
      expect(await serve.stop()).toBe(0)
    }
  })
})
