// Issue 19, finding 2: the Form decryptor must not be a timing padding oracle. These pin the
// behaviour that makes it so (never throws, one failure, the same steps and reads for any
// padding); the timing itself is measured by `pnpm bench form-timing`, never here.
import { createCipheriv, createDecipheriv } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createFormDecryptor, decryptFormCrypt, encryptFormCrypt } from '../src/index.js'
import { openFormCrypt } from '../src/form/crypt.js'
import type { FormCryptSteps } from '../src/form/crypt.js'
import { checkPkcs7Padding } from '../src/internal/pkcs7.js'
import { FORM_CRYPT_VECTOR as V } from './fixtures/vectors.js'

const KEY = Buffer.from(V.password, 'latin1')
const decrypt = createFormDecryptor(V.password)
const FAILURE = decrypt('')

/** AES-128-CBC under the vector's key = IV, no padding added: `bytes` must be whole blocks. */
function rawCrypt(plain: Uint8Array): string {
  const cipher = createCipheriv('aes-128-cbc', KEY, KEY).setAutoPadding(false)
  return `@${Buffer.concat([cipher.update(plain), cipher.final()])
    .toString('hex')
    .toUpperCase()}`
}

/** Whether OpenSSL's own padding check accepts the last block (the old, throwing check). */
function opensslAccepts(plain: Uint8Array): boolean {
  const cipher = createCipheriv('aes-128-cbc', KEY, KEY).setAutoPadding(false)
  const bytes = Buffer.concat([cipher.update(plain), cipher.final()])
  const decipher = createDecipheriv('aes-128-cbc', KEY, KEY)
  try {
    decipher.update(bytes)
    decipher.final()
    return true
  } catch {
    return false
  }
}

/** A last block: random bytes, often ending in a plausible padding (so both verdicts occur). */
const lastBlock = fc
  .tuple(
    fc.uint8Array({ minLength: 16, maxLength: 16 }),
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 15 }),
  )
  .map(([random, pad, spoil]) => {
    const block = Uint8Array.from(random)
    if (pad >= 1 && pad <= 16) {
      block.fill(pad, 16 - pad)
      // Sometimes one padding byte is wrong: the near misses an attacker's guesses produce.
      if (spoil < pad && spoil % 3 === 0) block[15 - spoil] = pad ^ 0x40
    } else block[15] = pad === 0 ? 0 : 16 + pad
    return block
  })

describe('the Form decryptor never throws and answers every failure the same way', () => {
  it('returns the one failure object for any string, hex or not, of any length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.stringMatching(/^@[0-9a-fA-F]{0,130}$/),
          fc.uint8Array({ maxLength: 64 }).map((b) => `@${Buffer.from(b).toString('hex')}`),
          fc
            .uint8Array({ minLength: 1, maxLength: 4 })
            .chain((n) => fc.uint8Array({ minLength: 16 * n.length, maxLength: 16 * n.length }))
            .map((b) => `@${Buffer.from(b).toString('hex').toUpperCase()}`),
        ),
        (crypt) => {
          const opened = decrypt(crypt)
          if (!opened.ok) expect(opened).toBe(FAILURE)
          else expect(opened.fields['VendorTxCode']).toBeDefined()
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('answers the same failure object for every bad padding, whatever the block before it holds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), lastBlock, (first, last) => {
        const plain = Buffer.concat([first, last])
        fc.pre(!opensslAccepts(plain))
        expect(decrypt(rawCrypt(plain))).toBe(FAILURE)
        expect(() => decryptFormCrypt(rawCrypt(plain), V.password)).toThrow(
          /could not be decrypted/,
        )
      }),
      { numRuns: 1000 },
    )
  })

  it('accepts exactly the paddings OpenSSL accepts, and strips the same bytes', () => {
    fc.assert(
      fc.property(lastBlock, (block) => {
        const check = checkPkcs7Padding(block)
        expect(check.valid === 1).toBe(opensslAccepts(block))
        const last = block[15]!
        expect(check.length).toBe(16 - (last >= 1 && last <= 16 ? last : 1))
      }),
      { numRuns: 2000 },
    )
  })

  it('still decrypts every crypt the encryptor makes (any Latin-1 fields with a VendorTxCode)', () => {
    const value = fc
      .array(fc.integer({ min: 0x20, max: 0xff }), { maxLength: 30 })
      .map((codes) =>
        String.fromCharCode(...codes.filter((c) => c !== 0x26 && (c < 0x7f || c >= 0xa0))),
      )
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Za-z]{1,12}$/), value), value, (f, code) => {
        const fields = { ...f, VendorTxCode: code }
        expect(decrypt(encryptFormCrypt(fields, V.password))).toEqual({ ok: true, fields })
      }),
      { numRuns: 500 },
    )
  })
})

describe('the Form decryptor does the same work for a valid and an invalid padding', () => {
  /** Every index checkPkcs7Padding reads, in order, through a proxy over the bytes. */
  const readsOf = (bytes: Uint8Array): string[] => {
    const reads: string[] = []
    const watched = new Proxy(bytes, {
      get(target, property) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads.push(property)
        return Reflect.get(target, property) as unknown
      },
    })
    checkPkcs7Padding(watched)
    return reads
  }

  it('reads the same 16 trailing bytes in the same order for any last block', () => {
    const expected = readsOf(new Uint8Array(32).fill(1))
    expect(expected).toEqual(['31', ...Array.from({ length: 16 }, (_, i) => String(31 - i))])
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), lastBlock, (first, last) => {
        expect(readsOf(Uint8Array.from([...first, ...last]))).toEqual(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('runs unpad and parse once each, on text of the same length, for the guesses of a padding-oracle attack', () => {
    // The attack on the second-to-last byte: the last plaintext byte is 0x02 and the attacker
    // varies the ciphertext byte that flips the one before it; one guess in 256 pads validly.
    const captured = Buffer.from(V.crypt.slice(1), 'hex')
    const target = captured.subarray(captured.length - 32)
    const decipher = createDecipheriv('aes-128-ecb', KEY, null).setAutoPadding(false)
    const intermediate = Buffer.concat([decipher.update(target.subarray(16)), decipher.final()])
    const seen = { valid: [] as string[], invalid: [] as string[] }
    for (let guess = 0; guess < 256; guess += 1) {
      const forged = Buffer.from(target)
      forged[15] = intermediate[15]! ^ 0x02
      forged[14] = guess
      const valid = (intermediate[14]! ^ guess) === 0x02
      const calls: string[] = []
      const steps: FormCryptSteps = {
        unpad: (plain) => {
          calls.push(`unpad ${plain.length}`)
          return checkPkcs7Padding(plain)
        },
        parse: (text) => {
          calls.push(`parse ${text.length}`)
          return undefined
        },
      }
      const opened = openFormCrypt(`@${forged.toString('hex')}`, KEY, steps)
      expect(opened).toBe(FAILURE)
      seen[valid ? 'valid' : 'invalid'].push(calls.join(', '))
    }
    expect(seen.valid).toHaveLength(1)
    expect(new Set([...seen.valid, ...seen.invalid])).toEqual(new Set(['unpad 32, parse 30']))
  })

  it('parses as much text for a valid 0x01 as for a last byte that is no padding length at all', () => {
    // The attack on the last byte: every guess changes the last byte itself.
    const target = Buffer.from(V.crypt.slice(1), 'hex').subarray(-32)
    const decipher = createDecipheriv('aes-128-ecb', KEY, null).setAutoPadding(false)
    const last = Buffer.concat([decipher.update(target.subarray(16)), decipher.final()])[15]!
    const parsed = new Map<number, number>()
    for (let guess = 0; guess < 256; guess += 1) {
      const forged = Buffer.from(target)
      forged[15] = guess
      openFormCrypt(`@${forged.toString('hex')}`, KEY, {
        unpad: checkPkcs7Padding,
        parse: (text) => void parsed.set(last ^ guess, text.length),
      })
    }
    // Plaintext last byte 0x01 (valid) and 0x00, 0x11..0xff (invalid) all parse 31 characters.
    for (const [byte, length] of parsed)
      expect([byte, length]).toEqual([byte, byte >= 2 && byte <= 16 ? 32 - byte : 31])
  })
})
