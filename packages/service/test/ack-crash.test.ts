// An acknowledgement is a promise: the notification route answers OK only once the event and
// the reply it gives are committed (group commit, WAL, synchronous = FULL). A child process
// serves the route over a SQLite file; many signed notifications are sent at once, and the child
// is killed with SIGKILL the moment a chosen number of OK replies has come back, with more in
// flight. Reopened, the file holds every acknowledged event and the byte-identical reply.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { canonicalPaymentId, normaliseTransactionId } from '@opayo-kashflow/core'
import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'ok-ack-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const server = fileURLToPath(new URL('./support/ack-server.ts', import.meta.url))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

const SENT = 200
const KILL_AFTER = [1, 40]

const txIdOf = (i: number) =>
  `{${String(i).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}}`
const bodyOf = (i: number) =>
  new URLSearchParams(
    signServerNotification(
      buildServerNotification({ VendorTxCode: `INV-${i + 1}-1`, VPSTxId: txIdOf(i) }),
      { vendorName: 'crashshop', securityKey: `K${String(i).padStart(9, '0')}` },
    ),
  ).toString()

describe('a durable acknowledgement', () => {
  it.each(KILL_AFTER)(
    'keeps every acknowledged notification and its reply when the process is killed after %i OK replies',
    async (killAfter) => {
      const path = join(dir, `ack-${killAfter}.db`)
      const child = spawn(
        process.execPath,
        ['--conditions=@opayo-kashflow/source', '--import', tsx, server],
        {
          env: { ...process.env, ACK_TEST_DB: path, ACK_TEST_REGISTRATIONS: String(SENT) },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
      const exited = new Promise<string | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      )
      const url = await new Promise<string>((resolve, reject) => {
        let output = ''
        const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 30_000)
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const match = /listening on (http:\/\/\S+)/.exec(output)
          if (match?.[1]) {
            clearTimeout(timer)
            resolve(match[1])
          }
        })
      })

      const acknowledged = new Map<number, string>()
      const agent = new Agent({ keepAlive: true, maxSockets: 32 })
      const send = (i: number) =>
        new Promise<void>((resolve) => {
          const body = bodyOf(i)
          const req = request(
            `${url}/opayo/notify`,
            {
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            },
            (res) => {
              let text = ''
              res.setEncoding('latin1')
              res.on('data', (chunk: string) => (text += chunk))
              res.on('end', () => {
                if (text.startsWith('Status=OK')) {
                  acknowledged.set(i, text)
                  // Killed in the very callback that saw the reply: nothing after it runs first.
                  if (acknowledged.size === killAfter) child.kill('SIGKILL')
                }
                resolve()
              })
              res.on('error', () => resolve())
            },
          )
          req.on('error', () => resolve())
          req.end(body)
        })
      await Promise.all(Array.from({ length: SENT }, (_, i) => send(i)))
      agent.destroy()
      expect(await exited).toBe('SIGKILL')
      expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter)

      const store = await sqliteStore({ path })
      for (const [i, body] of acknowledged) {
        const key = normaliseTransactionId(txIdOf(i))
        expect(await store.getReply(key)).toEqual({ status: 'OK', body })
        expect((await store.get(canonicalPaymentId(key, 'payment')))?.state).toBe('received')
      }
      await store.close()
    },
    60_000,
  )
})
