import { createCipheriv, createDecipheriv } from 'node:crypto'
import { OpayoCryptError } from '../errors/opayo-error.js'

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
 * Encrypts Form fields into a `crypt` (specs/opayo.md §3.1): `Name=Value` pairs joined with `&`,
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
 * Decrypts a Form `crypt` (either hex case) and splits it into fields, each on its first `=`.
 * @throws {OpayoCryptError} with `reason` `missing_prefix`, `bad_hex`, `bad_length`,
 * `bad_padding` (usually the wrong password or an altered crypt), `wrong_key` (decrypts to
 * something that is not Form fields) or `replay` (another VendorTxCode than expected).
 * @example decryptFormCrypt(new URL(request.url).searchParams.get('crypt') ?? '', password, { expectedVendorTxCode })
 */
export function decryptFormCrypt(
  crypt: string,
  password: string,
  options: DecryptFormCryptOptions = {},
): Record<string, string> {
  const key = keyOf(password)
  if (!crypt.startsWith('@')) {
    throw new OpayoCryptError('missing_prefix', 'A Form crypt starts with "@"; this one does not.')
  }
  const hex = crypt.slice(1)
  if (hex.length === 0 || hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) {
    throw new OpayoCryptError('bad_hex', 'The Form crypt is not hexadecimal after the "@".')
  }
  const bytes = Buffer.from(hex, 'hex')
  if (bytes.length % 16 !== 0) {
    throw new OpayoCryptError(
      'bad_length',
      `The Form crypt is ${bytes.length} bytes, not a whole number of 16-byte AES blocks: it was truncated or altered.`,
    )
  }
  let plain: string
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, key)
    plain = Buffer.concat([decipher.update(bytes), decipher.final()]).toString('latin1')
  } catch (cause) {
    throw Object.assign(
      new OpayoCryptError(
        'bad_padding',
        'The Form crypt did not decrypt (bad padding): usually the wrong encryption password (test and live differ), or an altered crypt.',
      ),
      { cause },
    )
  }
  const fields = parseFormPlaintext(plain)
  if (fields === undefined || fields['VendorTxCode'] === undefined) {
    throw new OpayoCryptError(
      'wrong_key',
      'The Form crypt decrypted to something that is not Form fields: the encryption password is wrong.',
    )
  }
  if (
    options.expectedVendorTxCode !== undefined &&
    fields['VendorTxCode'] !== options.expectedVendorTxCode
  ) {
    throw new OpayoCryptError(
      'replay',
      `The Form crypt is for VendorTxCode "${fields['VendorTxCode']}", not "${options.expectedVendorTxCode}": a crypt from another order was replayed.`,
    )
  }
  return fields
}

function parseFormPlaintext(plain: string): Record<string, string> | undefined {
  // Control characters other than tab, CR and LF mean the bytes were not text: a wrong key.
  for (let i = 0; i < plain.length; i += 1) {
    const code = plain.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return undefined
  }
  const fields: Record<string, string> = {}
  for (const part of plain.split('&')) {
    if (part === '') continue
    const at = part.indexOf('=')
    if (at <= 0) return undefined
    fields[part.slice(0, at)] = part.slice(at + 1)
  }
  return fields
}
