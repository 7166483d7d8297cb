import { createCipheriv, createDecipheriv } from 'node:crypto'
import { OpayoCryptError } from '../errors/opayo-error.js'
import { checkPkcs7Padding } from '../internal/pkcs7.js'
import type { Pkcs7Check } from '../internal/pkcs7.js'

/** Ordered Form fields, name to value. */
export type FormFields = Readonly<Record<string, string>>

function keyOf(password: string): Buffer {
  const key = Buffer.from(password, 'latin1')
  if (key.length !== 16 || /[^\x20-\x7e]/.test(password)) {
    throw new OpayoCryptError(
      'bad_password',
      `The Form encryption password must be 16 printable ASCII characters (it is ${password.length}).`,
    )
  }
  return key
}

/**
 * Encrypts Form fields into a `crypt` (developer-eu.elavon.com/docs/opayo-forms/api-reference/
 * crypt-field; omnipay-sagepay Form/AuthorizeRequest::generateCrypt): `Name=Value` pairs joined
 * with `&`,
 * not URL-encoded, in ISO-8859-1, AES-128-CBC with PKCS#7 padding and key = IV = the password,
 * upper-case hex behind `@`.
 * @throws {OpayoCryptError} for a password that is not 16 ASCII characters, or a value Opayo
 * would misread (`&` in a value, `=` or `&` in a name, characters outside ISO-8859-1).
 * @example encryptFormCrypt({ VendorTxCode: 'INV-1042-1', Amount: '120.00', Currency: 'GBP' }, '55a51621a6648525')
 */
export function encryptFormCrypt(
  fields: FormFields | readonly (readonly [string, string])[],
  password: string,
): string {
  const key = keyOf(password)
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields as FormFields)
  for (const [name, value] of pairs as readonly (readonly [string, string])[]) {
    if (name === '' || /[=&]/.test(name) || value.includes('&')) {
      throw new OpayoCryptError(
        'bad_field',
        `Form field "${name}" cannot be encoded: names may not contain "=" or "&", values may not contain "&".`,
      )
    }
    if ([...(name + value)].some((c) => (c.codePointAt(0) ?? 0) > 0xff)) {
      throw new OpayoCryptError(
        'bad_field',
        `Form field "${name}" has characters outside ISO-8859-1; transliterate it first (toLatin1 in @opayo-kashflow/core).`,
      )
    }
  }
  const plain = (pairs as readonly (readonly [string, string])[])
    .map(([n, v]) => `${n}=${v}`)
    .join('&')
  const cipher = createCipheriv('aes-128-cbc', key, key)
  const encrypted = Buffer.concat([cipher.update(Buffer.from(plain, 'latin1')), cipher.final()])
  return `@${encrypted.toString('hex').toUpperCase()}`
}

/** Options for {@link decryptFormCrypt}. */
export interface DecryptFormCryptOptions {
  /** The VendorTxCode you expect for this shopper's session; any other is a replay. */
  readonly expectedVendorTxCode?: string
}

/**
 * What {@link createFormDecryptor}'s decryptor returns: the crypt's fields, or one failure that
 * is the same object for every way a crypt can fail (no `@`, not hex, not whole AES blocks, bad
 * padding, the wrong password, bytes that are not Form fields, no VendorTxCode).
 */
export type FormDecryption =
  | { readonly ok: true; readonly fields: Record<string, string> }
  | { readonly ok: false; readonly reason: 'undecryptable' }

/** Decrypts one Form crypt; never throws (see {@link createFormDecryptor}). */
export type FormDecryptor = (crypt: string) => FormDecryption

// Every way a crypt can fail to decrypt gives this one answer. AES-CBC crypts carry no integrity
// check, so telling bad padding apart from bad fields (or bad hex from a short block), by the
// answer or by the time taken, would hand whoever submits crypts a padding oracle.
const UNDECRYPTABLE: FormDecryption = Object.freeze({ ok: false, reason: 'undecryptable' })

const UNDECRYPTABLE_MESSAGE =
  'The Form crypt could not be decrypted with this encryption password: it is malformed or was altered, or it was encrypted with another password (test and live passwords differ).'

const undecryptable = () => new OpayoCryptError('undecryptable', UNDECRYPTABLE_MESSAGE)

/**
 * Makes a decryptor for Form `crypt`s (either hex case) under one Form password: it splits the
 * plaintext into fields, each on its first `=`, and never throws. Every failure returns the same
 * `{ ok: false, reason: 'undecryptable' }` object.
 *
 * It takes the same time whether the padding is valid or not: the whole ciphertext is decrypted
 * without OpenSSL's padding check (which throws on bad padding), the PKCS#7 padding is checked in
 * constant time over the last 16 bytes, and the text is parsed into fields in both cases, only
 * then discarded when the padding was bad. Use this on request paths; {@link decryptFormCrypt}
 * is the throwing form of the same check.
 * @throws {OpayoCryptError} `bad_password` for a password that is not 16 printable ASCII
 * characters (once, here; the decryptor itself never throws).
 * @example
 * const decrypt = createFormDecryptor('55a51621a6648525')
 * const opened = decrypt(encryptFormCrypt({ VendorTxCode: 'INV-1042-1' }, '55a51621a6648525'))
 * if (opened.ok) console.log(opened.fields['VendorTxCode'])
 */
export function createFormDecryptor(password: string): FormDecryptor {
  const key = keyOf(password)
  return (crypt) => openFormCrypt(crypt, key)
}

/**
 * Decrypts a Form `crypt` (either hex case) and splits it into fields, each on its first `=`.
 *
 * Every decryption failure (no `@`, not hex, odd length, not whole AES blocks, bad padding, the
 * wrong password, bytes that are not Form fields) throws the same `OpayoCryptError` with `reason`
 * `undecryptable`, code `opayo_crypt_undecryptable` and one fixed message, with no `cause`: a crypt has no
 * integrity check, so a reply that differed by failure would be a padding oracle. On a request
 * path use {@link createFormDecryptor}, which never throws.
 * @throws {OpayoCryptError} `undecryptable` when the crypt does not decrypt to Form fields, `replay`
 * when it does but for another VendorTxCode than expected, `bad_password` for a password that is
 * not 16 ASCII characters.
 * @example decryptFormCrypt(new URL(request.url).searchParams.get('crypt') ?? '', process.env.OPAYO_FORM_PASSWORD ?? '', { expectedVendorTxCode: 'INV-1042-1' })
 */
export function decryptFormCrypt(
  crypt: string,
  password: string,
  options: DecryptFormCryptOptions = {},
): Record<string, string> {
  const opened = openFormCrypt(crypt, keyOf(password))
  if (!opened.ok) throw undecryptable()
  const fields = opened.fields
  if (
    options.expectedVendorTxCode !== undefined &&
    fields['VendorTxCode'] !== options.expectedVendorTxCode
  ) {
    // The decrypted VendorTxCode stays out of the message: it is decrypted content.
    throw new OpayoCryptError(
      'replay',
      `The Form crypt is for another VendorTxCode than "${options.expectedVendorTxCode}": a crypt from another order was replayed.`,
    )
  }
  return fields
}

/** The steps of opening a crypt whose work could depend on the padding; tests watch them. */
export interface FormCryptSteps {
  readonly unpad: (plain: Buffer) => Pkcs7Check
  readonly parse: (text: string) => Record<string, string> | undefined
}

const STEPS: FormCryptSteps = { unpad: checkPkcs7Padding, parse: parseFormPlaintext }

const CRYPT_SHAPE = /^@(?:[0-9a-fA-F]{32})+$/

/**
 * Opens a crypt under a checked key: the fields, or the one failure. Never throws. The crypt's
 * shape (its length and whether it is hex) is public and may end this early; nothing decrypted
 * does: both paddings run the same steps on text of the same length.
 * @example openFormCrypt(encryptFormCrypt({ VendorTxCode: 'INV-1-1' }, '55a51621a6648525'), Buffer.from('55a51621a6648525'))
 */
export function openFormCrypt(
  crypt: string,
  key: Buffer,
  steps: FormCryptSteps = STEPS,
): FormDecryption {
  if (typeof crypt !== 'string' || !CRYPT_SHAPE.test(crypt)) return UNDECRYPTABLE
  let plain: Buffer
  try {
    // No padding check here: OpenSSL's throws on bad padding, and the throw is what costs more.
    const decipher = createDecipheriv('aes-128-cbc', key, key).setAutoPadding(false)
    plain = Buffer.concat([decipher.update(Buffer.from(crypt.slice(1), 'hex')), decipher.final()])
  } catch {
    // Unreachable for whole blocks under a 16-byte key; kept so the decryptor never throws.
    return UNDECRYPTABLE
  }
  const { valid, length } = steps.unpad(plain)
  // Parsed whether or not the padding is valid: text of the same length either way, so a bad
  // padding costs what a good padding over garbage costs. Its verdict is read only after.
  const fields = steps.parse(plain.toString('latin1', 0, length))
  const named = fields !== undefined && fields['VendorTxCode'] !== undefined ? 1 : 0
  return (valid & named) === 1 ? { ok: true, fields: fields! } : UNDECRYPTABLE
}

/**
 * Splits decrypted text into fields; undefined when it is not Form fields. Every character is
 * scanned (no early exit on the first control character).
 */
function parseFormPlaintext(plain: string): Record<string, string> | undefined {
  // Control characters other than tab, CR and LF mean the bytes were not text: a wrong key.
  let control = 0
  for (let i = 0; i < plain.length; i += 1) {
    const code = plain.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      control = 1
  }
  const fields: Record<string, string> = {}
  let malformed = control
  for (const part of plain.split('&')) {
    if (part === '') continue
    const at = part.indexOf('=')
    if (at <= 0) malformed = 1
    else fields[part.slice(0, at)] = part.slice(at + 1)
  }
  return malformed === 0 ? fields : undefined
}
