// `/metrics`: Prometheus text read back by an independent parser (parse-prometheus-text-format),
// with the numbers an operator alerts on. KashFlow is the testkit's fake speaking its wire
// format; the clients send through the metrics' instrumented fetch.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow, parseNotificationReply } from '@opayo-kashflow/testkit'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createServiceMetrics, createSyncService } from '../src/index.js'
import type { SyncServiceOptions } from '../src/index.js'
import { routeLabel } from '../src/service/metrics.js'
import { CREDENTIALS } from './helpers.js'
import {
  notificationRequest,
  signedNotification,
  testRegistration,
} from './support/notifications.js'

const ADMIN = 'metrics-admin-token-0123456789'

async function setup(input: {
  fetch?: typeof fetch
  overrides?: Partial<SyncServiceOptions>
  ownMetrics?: boolean
}) {
  const store = memoryStore()
  for (const [code, tx] of [
    ['INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'],
    ['INV-9999-1', '{A155C22E-F67B-4DA3-8EA3-6DAC68FA59D3}'],
  ] as const)
    await store.saveRegistration(testRegistration(code, { vpsTxId: tx }))
  const rateBudget = createRateBudget({ limit: 40, windowMs: 1000 })
  const metrics = createServiceMetrics({ rateBudget })
  const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({
      ...CREDENTIALS,
      rateBudget,
      fetch: metrics.instrumentFetch('kashflow', input.fetch ?? fake.fetch),
      retry: { limit: 0 },
    }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    adminToken: ADMIN,
    ...(input.ownMetrics ? {} : { metrics }),
    retry: { notFoundDelaysMs: [] },
    ...input.overrides,
  })
  const notify = async (vendorTxCode: string, vpsTxId: string, body?: string) => {
    const response = await service.handler(
      notificationRequest(
        'http://service.local/opayo/notify',
        body ?? signedNotification(vendorTxCode, vpsTxId),
      ),
    )
    return parseNotificationReply(await response.text(), response.status).status
  }
  const scrape = async () => {
    const response = await service.adminHandler(
      new Request('http://127.0.0.1:8081/metrics', { headers: { host: '127.0.0.1:8081' } }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    return Object.assign(parsePrometheusTextFormat(text), { text })
  }
  return { service, notify, scrape, fake }
}

type Families = Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['scrape']>>

/** The value of the sample of `name` whose labels include `labels`. */
function sample(families: Families, name: string, labels: Record<string, string> = {}) {
  const family = families.find((f) => f.name === name)
  if (!family) throw new Error(`no metric ${name} in ${families.map((f) => f.name).join(', ')}`)
  return family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
}
const value = (families: Families, name: string, labels: Record<string, string> = {}) =>
  Number(sample(families, name, labels)?.value)

describe('GET /metrics', () => {
  it('counts what the service did: events by state, transitions, dead letters by reason, notifications and their acknowledgement time', async () => {
    const { service, notify, scrape } = await setup({})
    expect(await notify('INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}')).toBe('OK')
    expect(await notify('INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}')).toBe('OK')
    expect(await notify('INV-9999-1', '{A155C22E-F67B-4DA3-8EA3-6DAC68FA59D3}')).toBe('OK')
    expect(await notify('', '', 'VPSProtocol=4.00&TxType=PAYMENT')).toBe('INVALID')
    await service.engine.drain()
    const m = await scrape()
    expect(value(m, 'opayo_kashflow_events', { state: 'posted' })).toBe(1)
    expect(value(m, 'opayo_kashflow_events', { state: 'dead' })).toBe(1)
    expect(value(m, 'opayo_kashflow_events', { state: 'received' })).toBe(0)
    expect(value(m, 'opayo_kashflow_event_transitions_total', { type: 'posted' })).toBe(1)
    expect(value(m, 'opayo_kashflow_event_transitions_total', { type: 'received' })).toBe(2)
    expect(value(m, 'opayo_kashflow_dead_letters_total', { reason: 'invoice_not_found' })).toBe(1)
    expect(value(m, 'opayo_kashflow_notifications_total', { outcome: 'accepted' })).toBe(2)
    expect(value(m, 'opayo_kashflow_notifications_total', { outcome: 'duplicate' })).toBe(1)
    expect(value(m, 'opayo_kashflow_notifications_total', { outcome: 'invalid' })).toBe(1)
    const ack = sample(m, 'opayo_kashflow_notification_ack_seconds')
    expect(Number(ack?.count)).toBe(4)
    expect(Number(ack?.buckets?.['+Inf'])).toBe(4)
    expect(value(m, 'opayo_kashflow_health_degraded', { reason: 'dead_letters' })).toBe(1)
    expect(value(m, 'opayo_kashflow_health_degraded', { reason: 'posting_paused' })).toBe(0)
    expect(value(m, 'opayo_kashflow_oldest_due_event_age_seconds')).toBe(0)
    expect(value(m, 'opayo_kashflow_pending_hints')).toBe(0)
  })

  it('counts and times every KashFlow request by route (ids as :id) and status, and reads the rate budget', async () => {
    const { service, notify, scrape } = await setup({})
    expect(await notify('INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}')).toBe('OK')
    await service.engine.drain()
    const m = await scrape()
    const { text } = m
    const requests = m.find((f) => f.name === 'opayo_kashflow_upstream_requests_total')!
    const routes = requests.metrics.map(
      (r) => `${r.labels?.['method']} ${r.labels?.['route']} ${r.labels?.['status']}`,
    )
    expect(routes).toContain('GET /v2/invoices/:id 200')
    expect(routes).toContain('POST /v2/invoices/bulk/payments 200')
    expect(routes.every((r) => !/1042/.test(r))).toBe(true)
    for (const r of requests.metrics) expect(r.labels?.['upstream']).toBe('kashflow')
    const total = requests.metrics.reduce((n, r) => n + Number(r.value), 0)
    const latency = m.find((f) => f.name === 'opayo_kashflow_upstream_request_seconds')!
    expect(latency.type).toBe('HISTOGRAM')
    // The parser folds a labelled histogram's series into one (it follows client_python 0.0.19),
    // so each series' _count is read from the text it has just parsed without error.
    const counts = [
      ...text.matchAll(/^opayo_kashflow_upstream_request_seconds_count\{[^}]*\} (\d+)$/gm),
    ]
    expect(counts).toHaveLength(requests.metrics.length)
    expect(counts.reduce((n, c) => n + Number(c[1]), 0)).toBe(total)
    expect(value(m, 'opayo_kashflow_rate_budget_limit')).toBe(40)
    expect(value(m, 'opayo_kashflow_rate_budget_ceiling')).toBe(40)
    expect(value(m, 'opayo_kashflow_rate_budget_window_seconds')).toBe(1)
    expect(value(m, 'opayo_kashflow_rate_budget_tokens')).toBeLessThanOrEqual(1)
  })

  it('labels a 429 and a request that got no answer, and the retries they cause', async () => {
    let calls = 0
    const flaky: typeof fetch = () => {
      calls += 1
      if (calls === 1) return Promise.reject(new TypeError('fetch failed'))
      return Promise.resolve(
        new Response('slow down', { status: 429, headers: { 'retry-after': '1' } }),
      )
    }
    let t = Date.UTC(2024, 0, 1)
    const { service, notify, scrape } = await setup({
      fetch: flaky,
      overrides: { clock: { now: () => t } },
    })
    expect(await notify('INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}')).toBe('OK')
    await service.engine.runOnce()
    t += 60_000 // past the first retry's delay
    await service.engine.runOnce()
    const m = await scrape()
    const statuses = m
      .find((f) => f.name === 'opayo_kashflow_upstream_requests_total')!
      .metrics.map((r) => r.labels?.['status'])
    expect(statuses).toContain('error')
    expect(statuses).toContain('429')
    const retries = m.find((f) => f.name === 'opayo_kashflow_retries_total')!
    expect(retries.metrics.reduce((n, r) => n + Number(r.value), 0)).toBeGreaterThanOrEqual(1)
  })

  it('is served on the public handler only with the admin bearer token', async () => {
    const { service } = await setup({})
    const bare = await service.handler(new Request('http://service.local/metrics'))
    expect(bare.status).toBe(404)
    const tokened = await service.handler(
      new Request('http://service.local/metrics', {
        headers: { authorization: `Bearer ${ADMIN}` },
      }),
    )
    expect(tokened.status).toBe(200)
    expect(await tokened.text()).toContain('# TYPE opayo_kashflow_events gauge')
    const post = await service.adminHandler(
      new Request('http://127.0.0.1:8081/metrics', {
        method: 'POST',
        headers: { host: '127.0.0.1:8081' },
      }),
    )
    expect(post.status).toBe(405)
  })

  it('makes its own metrics when none are given (no vendor requests, no budget)', async () => {
    const { service } = await setup({ ownMetrics: true })
    const response = await service.adminHandler(
      new Request('http://127.0.0.1:8081/metrics', { headers: { host: '127.0.0.1:8081' } }),
    )
    const m = parsePrometheusTextFormat(await response.text())
    expect(m.map((f) => f.name)).toContain('opayo_kashflow_events')
    expect(m.map((f) => f.name)).not.toContain('opayo_kashflow_rate_budget_limit')
  })
})

describe('docs/monitoring.md', () => {
  it('names only metrics a scrape has (the metric table and every alert rule)', async () => {
    const { service, notify, scrape } = await setup({})
    expect(await notify('INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}')).toBe('OK')
    await service.engine.drain()
    const families = new Set((await scrape()).map((f) => f.name))
    const doc = readFileSync(new URL('../../../docs/monitoring.md', import.meta.url), 'utf8')
    const named = new Set(doc.match(/opayo_kashflow_[a-z_]+/g))
    expect(named.size).toBeGreaterThan(10)
    const missing = [...named].filter(
      (name) => !families.has(name) && !families.has(name.replace(/_(bucket|count|sum)$/, '')),
    )
    expect(missing).toEqual([])
  })
})

describe('GET /health/live', () => {
  it('answers 200 whenever the process answers, even while /health is 503', async () => {
    const { service } = await setup({ overrides: { health: { workerStartGraceMs: 0 } } })
    expect((await service.handler(new Request('http://service.local/health'))).status).toBe(503)
    const live = await service.handler(new Request('http://service.local/health/live'))
    expect(live.status).toBe(200)
    expect(await live.json()).toEqual({ status: 'ok' })
  })
})

describe('routeLabel', () => {
  it.each([
    ['/v2/invoices/1042', '/v2/invoices/:id'],
    ['/v2/invoices/1042/payments', '/v2/invoices/:id/payments'],
    ['/v2/customers/acme', '/v2/customers/:id'],
    ['/v2/customers/search', '/v2/customers/search'],
    ['/v2/sessiontoken', '/v2/sessiontoken'],
    ['/api/v1/transactions/2B97808F-9A36-6E71-F87F-6714667E8AF4', '/api/v1/transactions/:id'],
    ['/access/access.htm', '/access/access.htm'],
    [
      '/v2/internal/invoices/7/payments/9/unallocate',
      '/v2/internal/invoices/:id/payments/:id/unallocate',
    ],
  ])('%s is %s', (path, label) => {
    expect(routeLabel(path)).toBe(label)
  })

  it('keeps at most 100 distinct routes per upstream; the rest count as other', async () => {
    const metrics = createServiceMetrics()
    const ok = metrics.instrumentFetch('opayo', () => Promise.resolve(new Response('')))
    for (let i = 0; i < 150; i += 1) await ok(`https://example.test/word${'x'.repeat(i)}`)
    const m = parsePrometheusTextFormat(await metrics.registry.metrics())
    const routes = m.find((f) => f.name === 'opayo_kashflow_upstream_requests_total')!.metrics
    expect(routes).toHaveLength(101)
    expect(Number(routes.find((r) => r.labels?.['route'] === 'other')?.value)).toBe(50)
  })
})
