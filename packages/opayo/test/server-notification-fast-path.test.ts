// The Server notification path validates each datum once: the body is split by hand and checked
// against the schema's own limits, the signature is compared as bytes, and toCanonicalPayment's
// payment is frozen so planning does not check it again. These tests hold each shortcut to the
// slow path it replaces: the same output for any input, the same typed issues for a bad one.
import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import {
  CanonicalPaymentSchema,
  createReferenceParser,
  definePostingRules,
  issue,
  money,
  planPostings,
} from '@opayo-kashflow/core'
import type { CanonicalPayment, Issue, Result } from '@opayo-kashflow/core'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import {
  OpayoSignatureError,
  parseServerNotification,
  serverNotificationSignature,
  toCanonicalPayment,
  verifyServerNotification,
} from '../src/index.js'
import type { ServerNotification } from '../src/index.js'
import { avsCv2Summary, cardScheme, checkResult } from '../src/normalise/vocabulary.js'
import { formBodyFields } from '../src/server-notification/form-body.js'
import {
  SERVER_NOTIFICATION_FIELDS,
  ServerNotificationSchema,
} from '../src/server-notification/schema.js'

const secrets = { vendorName: 'MyShop', securityKey: 'IK776BWNHN' }

/** Maps zod issues as the library does (missing_value for an absent field, else invalid_type). */
const fromZod = (issues: readonly { code: string; message: string; path: PropertyKey[] }[]) =>
  issues.map((zi) =>
    issue(
      zi.code === 'invalid_type' && /received undefined/.test(zi.message)
        ? 'missing_value'
        : 'invalid_type',
      zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      zi.message,
    ),
  )

/**
 * parseServerNotification as it was before the hand check: URLSearchParams, the first of a
 * repeated field, empty fields absent, a Latin-1 check by code point, then the schema.
 */
function parseThroughSchema(body: string): Result<ServerNotification> {
  const known: Record<string, string> = {}
  const extra: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(body)) {
    const into = SERVER_NOTIFICATION_FIELDS.has(name) ? known : extra
    if (!(name in into)) into[name] = value
  }
  for (const [name, value] of Object.entries(known)) if (value === '') delete known[name]
  const wide = Object.keys(known).filter((name) =>
    [...(known[name] ?? '')].some((c) => (c.codePointAt(0) ?? 0) > 0xff),
  )
  if (wide.length > 0)
    return {
      ok: false,
      issues: wide.map((name) =>
        issue('invalid_type', [name], `${name} holds a character that is not ISO-8859-1.`),
      ),
    }
  const parsed = ServerNotificationSchema.safeParse({ ...known, extra })
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, issues: fromZod(parsed.error.issues) }
}

// Pieces a urlencoded body is made of, the awkward ones included: escapes that are not UTF-8, a
// '%' with no hex after it, raw characters above ASCII and above Latin-1, a lone surrogate,
// control characters, a leading '?', '+' for a space.
const bodyPiece = fc.oneof(
  fc.constantFrom('a', 'Z', '0', '9', 'F', 'e', '-', '.', '_', '*', ' ', '~', '{', '}'),
  fc.constantFrom('&', '=', '?', '+', '%', '%2', '%zz', '%%', '&&', '=='),
  fc.constantFrom('%20', '%2B', '%26', '%3D', '%7B', '%7b', '%25', '%00', '%0A', '%7F'),
  fc.constantFrom('%C3%A9', '%E9', '%C5%81', '%F0%9F%98%80', '%ED%A0%80', '%C0%AF', '%EF%BB%BF'),
  fc.constantFrom('é', 'Ł', '😀', '\ud800', '\u0000', '\t', '\r\n', '\u00ff'),
)
const anyBody = fc.array(bodyPiece, { maxLength: 40 }).map((pieces) => pieces.join(''))

describe('the urlencoded body, split by hand', () => {
  it('gives the fields URLSearchParams gives, in order, for any body', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const { fields, ascii } = formBodyFields(body)
        expect(fields).toEqual([...new URLSearchParams(body)].flat())
        // `ascii` is a promise about every field: it must never be made wrongly.
        if (ascii) expect(fields.every((f) => [...f].every((c) => c <= '\u007f'))).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })

  it('gives them for a URLSearchParams and a record of fields too', () => {
    const params = new URLSearchParams('a=1&b=2&a=3')
    expect(formBodyFields(params).fields).toEqual(['a', '1', 'b', '2', 'a', '3'])
    expect(formBodyFields({ a: '1', b: undefined, c: 'x y' }).fields).toEqual([
      'a',
      '1',
      'c',
      'x y',
    ])
  })
})

// A signed notification, then changes a sender (or an attacker) could make to its fields.
const SIGNED = signServerNotification(buildServerNotification(), secrets)
const FIELD_NAMES = [...SERVER_NOTIFICATION_FIELDS]
const valueFor = fc.oneof(
  fc.constantFrom('', 'OK', 'PENDING', 'ok', 'PAYMENT', 'MATCHED', '4.00', 'Ł', 'é', '0006'),
  fc.constantFrom('{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}', 'f955c22e-f67b-4da3-8ea3-6dac68fa59d2'),
  fc.constantFrom('{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D}', 'ABCDEF0123456789ABCDEF0123456789'),
  fc.integer({ min: 0, max: 70 }).map((n) => 'x'.repeat(n)),
  fc.string({ maxLength: 12 }),
)
const change = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELD_NAMES), valueFor).map(([name, value]) => ({
    kind: 'set' as const,
    name,
    value,
  })),
  fc.constantFrom(...FIELD_NAMES).map((name) => ({ kind: 'drop' as const, name, value: '' })),
  fc
    .tuple(fc.constantFrom(...FIELD_NAMES, 'Extra1', 'toString'), valueFor)
    .map(([name, value]) => ({ kind: 'repeat' as const, name, value })),
)
const notificationBody = fc
  .tuple(fc.array(change, { maxLength: 4 }), fc.boolean())
  .map(([changes, leadingQuestionMark]) => {
    const fields = new Map(Object.entries(SIGNED))
    const appended: [string, string][] = []
    for (const c of changes) {
      if (c.kind === 'set') fields.set(c.name, c.value)
      else if (c.kind === 'drop') fields.delete(c.name)
      else appended.push([c.name, c.value])
    }
    const body = new URLSearchParams([...fields, ...appended]).toString()
    return leadingQuestionMark ? `?${body}` : body
  })

describe('parseServerNotification, checked by hand against the schema', () => {
  it('gives what the schema gives (value and key order, or the same issues) for any notification', () => {
    let accepted = 0
    fc.assert(
      fc.property(notificationBody, (body) => {
        const expected = parseThroughSchema(body)
        const actual = parseServerNotification(body)
        expect(actual).toEqual(expected)
        if (actual.ok && expected.ok) {
          accepted += 1
          expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value))
        }
      }),
      { numRuns: 2000 },
    )
    expect(accepted).toBeGreaterThan(100)
  })

  it('gives what the schema gives for bodies that are not notifications at all', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        expect(parseServerNotification(body)).toEqual(parseThroughSchema(body))
      }),
      { numRuns: 1000 },
    )
  })

  it('reads a well-formed notification without the schema, and a bad one through it', () => {
    const spy = vi.spyOn(ServerNotificationSchema, 'safeParse')
    try {
      expect(parseServerNotification(new URLSearchParams(SIGNED).toString()).ok).toBe(true)
      expect(spy).not.toHaveBeenCalled()
      const bad = new URLSearchParams({ ...SIGNED, Status: 'FINE' }).toString()
      const result = parseServerNotification(bad)
      expect(spy).toHaveBeenCalledTimes(1)
      expect(result.ok).toBe(false)
      if (!result.ok)
        expect(result.issues.map((i) => [i.code, i.path])).toEqual([['invalid_type', ['Status']]])
    } finally {
      spy.mockRestore()
    }
  })
})

describe('verifyServerNotification, comparing the digest as bytes', () => {
  const notification = (() => {
    const parsed = parseServerNotification(SIGNED)
    if (!parsed.ok) throw new Error('fixture must parse')
    return parsed.value
  })()
  const expected = serverNotificationSignature(notification, secrets)
  const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''))

  it('accepts a signature exactly when it equals the expected one upper-cased', () => {
    const given = fc.oneof(
      // The expected signature in any mix of cases, sometimes with one digit changed.
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
          fc.option(fc.tuple(fc.integer({ min: 0, max: 31 }), hexDigit), { nil: undefined }),
        )
        .map(([upper, swap]) => {
          const chars = expected.split('').map((c, i) => (upper[i] ? c : c.toLowerCase()))
          if (swap) chars[swap[0]] = swap[1]
          return chars.join('')
        }),
      fc.array(hexDigit, { minLength: 30, maxLength: 34 }).map((d) => d.join('')),
      fc.constantFrom(
        '',
        'not hex',
        `${expected}0`,
        expected.slice(1),
        `${expected.slice(0, 31)}G`,
      ),
    )
    fc.assert(
      fc.property(given, (VPSSignature) => {
        const check = () => verifyServerNotification({ ...notification, VPSSignature }, secrets)
        if (VPSSignature.toUpperCase() === expected) expect(check).not.toThrow()
        else expect(check).toThrow(OpayoSignatureError)
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses a notification exactly when one of its fields, signed or not, is above Latin-1', () => {
    const wide = fc.constantFrom('Ł', '😀', '\ud800', 'K', 'İ')
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(notification), 'Token', 'Other'),
        fc.option(wide, { nil: undefined }),
        fc.boolean(),
        (name, char, token) => {
          const changed: Record<string, unknown> = {
            ...notification,
            ...(token ? { TxType: 'TOKEN', Token: '{A1B2C3D4-0000-4000-8000-0123456789AB}' } : {}),
          }
          const before = changed[name]
          if (char !== undefined)
            changed[name] = `${typeof before === 'string' ? before : ''}${char}`
          const isWide = Object.values(changed).some(
            (v) => typeof v === 'string' && [...v].some((c) => (c.codePointAt(0) ?? 0) > 0xff),
          )
          const check = () =>
            verifyServerNotification(changed as unknown as ServerNotification, {
              ...secrets,
              // A vendor name whose lower case is Latin-1 (the Kelvin sign) must not mask a field.
              vendorName: 'MyShop\u212a',
            })
          if (isWide) expect(check).toThrow(/not ISO-8859-1/)
          else expect(check).not.toThrow(/not ISO-8859-1/)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('still refuses a field above Latin-1 before comparing anything', () => {
    expect(() =>
      verifyServerNotification({ ...notification, StatusDetail: 'Łódź' }, secrets),
    ).toThrow(/not ISO-8859-1/)
  })
})

describe('toCanonicalPayment for a Server notification, validated once', () => {
  const rules = definePostingRules({ bankAccountId: 1, paymentMethodId: 2 })
  const references = createReferenceParser(['INV-{invoice}-{*}'])
  const receivedAt = '2026-11-02T10:15:00.000Z'
  const notification = (() => {
    const parsed = parseServerNotification(SIGNED)
    if (!parsed.ok) throw new Error('fixture must parse')
    return parsed.value
  })()
  const canonical = (registration: { amount: ReturnType<typeof money> } & object) =>
    toCanonicalPayment({
      protocol: 'server',
      verified: true,
      notification,
      registration,
      receivedAt,
    })

  it('gives a frozen payment equal to what the schema makes of it, planned as an unfrozen copy is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (pence) => {
        const result = canonical({ amount: money(pence, 'GBP') })
        expect(result.ok).toBe(true)
        if (!result.ok) return
        expect(Object.isFrozen(result.value)).toBe(true)
        expect(Object.isFrozen(result.value.risk)).toBe(true)
        expect(result.value).toEqual(CanonicalPaymentSchema.parse(result.value))
        const copy = structuredClone<CanonicalPayment>(result.value)
        expect(planPostings(result.value, rules, { references })).toEqual(
          planPostings(copy, rules, { references }),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('never freezes or keeps the registration it was given', () => {
    const amount = money(12000, 'GBP')
    const result = canonical({ amount })
    expect(Object.isFrozen(amount)).toBe(false)
    expect(result.ok && result.value.amount).not.toBe(amount)
  })

  it('refuses a bad registration amount or receivedAt with the issues the schema gives', () => {
    const good = canonical({ amount: money(12000, 'GBP') })
    if (!good.ok) throw new Error('fixture must be valid')
    const schemaIssues = (payment: object): readonly Issue[] => {
      const parsed = CanonicalPaymentSchema.safeParse(payment)
      return parsed.success ? [] : fromZod(parsed.error.issues)
    }
    const negative = { amount: -1, currency: 'GBP' } as unknown as ReturnType<typeof money>
    const bad = canonical({ amount: negative })
    expect(bad).toEqual({
      ok: false,
      issues: schemaIssues({ ...good.value, amount: negative }),
    })
    const late = toCanonicalPayment({
      protocol: 'server',
      notification,
      registration: { amount: money(1, 'GBP') },
      receivedAt: 'yesterday',
    })
    expect(late.ok).toBe(false)
    if (!late.ok)
      expect(late.issues.map((i) => [i.code, i.path])).toEqual([['invalid_type', ['occurredAt']]])
  })
})

describe('vocabulary lookups', () => {
  it('read any spelling the same, however many spellings were seen before', () => {
    // More distinct spellings than are remembered, then the usual ones again.
    for (let i = 0; i < 200; i += 1) expect(avsCv2Summary(`junk ${i}`)).toBeUndefined()
    expect(avsCv2Summary('ALL MATCH')).toBe('all_match')
    expect(avsCv2Summary('all_match')).toBe('all_match')
    expect(avsCv2Summary('ALLMATCH')).toBe('all_match')
    expect(checkResult('NOT-MATCHED')).toBe('not_matched')
    expect(cardScheme('Debit MasterCard')).toBe('mastercard_debit')
    expect(cardScheme('constructor')).toBe('other')
    expect(avsCv2Summary('toString')).toBeUndefined()
  })
})
