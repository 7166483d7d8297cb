import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { startNotificationServer } from '../src/server.js'

describe('the Opayo Server notifications example', () => {
  it('acknowledges a signed notification over real HTTP and records the payment', async () => {
    const server = await startNotificationServer({ vendorName: 'myshop' })
    try {
      const fields = signServerNotification(
        buildServerNotification({ VendorTxCode: 'INV-1042-1' }),
        {
          vendorName: 'myshop',
          securityKey: 'IK776BWNHN',
        },
      )
      const reply = await postServerNotification(server.url, fields)
      expect(reply).toMatchObject({
        httpStatus: 200,
        status: 'OK',
        redirectUrl: 'https://shop.example/thanks?order=INV-1042-1',
      })
      expect(server.received).toHaveLength(1)
      const bad = await postServerNotification(server.url, {
        ...fields,
        VPSSignature: '0'.repeat(32),
      })
      expect(bad.status).toBe('INVALID')
    } finally {
      await server.close()
    }
  })

  it('runs its script end to end', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', 'tsx', 'src/main.ts'],
      {
        cwd,
        encoding: 'utf8',
      },
    )
    expect(out).toMatch(/payment\s+-> OK/)
    expect(out).toMatch(/same notification again\s+-> OK/)
    expect(out).toMatch(/tampered .*-> INVALID/)
    expect(out).toMatch(/declined by the bank\s+-> OK/)
    expect(out).toContain('Recorded 2 notifications')
  })
})
