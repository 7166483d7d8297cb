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

// Every way a crypt can fail to decrypt gives this one error: same class, code and message, no
// cause. AES-CBC crypts carry no integrity check, so telling bad padding apart from bad fields
// (or bad hex from a short block) would hand whoever submits crypts a padding oracle.
const UNDECRYPTABLE_MESSAGE =
  'The Form crypt could not be decrypted with this encryption password: it is malformed or was altered, or it was encrypted with another password (test and live passwords differ).'

const undecryptable = () => new OpayoCryptError('undecryptable', UNDECRYPTABLE_MESSAGE)

/**
 * Decrypts a Form `crypt` (either hex case) and splits it into fields, each on its first `=`.
 *
 * Every decryption failure (no `@`, not hex, odd length, not whole AES blocks, bad padding, the
 * wrong password, bytes that are not Form fields) throws the same `OpayoCryptError` with `reason`
 * `undecryptable`, code `opayo_crypt_undecryptable` and one fixed message, with no `cause`: a crypt has no
 * integrity check, so a reply that differed by failure would be a padding oracle.
 * @throws {OpayoCryptError} `undecryptable` when the crypt does not decrypt to Form fields, `replay`
 * when it does but for another VendorTxCode than expected, `bad_password` for a password that is
 * not 16 ASCII characters.
 * @example decryptFormCrypt(new URL(request.url).searchParams.get('crypt') ?? '', password, { expectedVendorTxCode })
 */
export function decryptFormCrypt(
  crypt: string,
  password: string,
  options: DecryptFormCryptOptions = {},
): Record<string, string> {
  const key = keyOf(password)
  const fields = decryptToFields(crypt, key)
  if (fields === undefined) throw undecryptable()
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

/** The fields of a crypt, or undefined for any failure (deliberately not saying which). */
function decryptToFields(crypt: string, key: Buffer): Record<string, string> | undefined {
  if (!/^@(?:[0-9a-fA-F]{32})+$/.test(crypt)) return undefined
  let plain: string
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, key)
    plain = Buffer.concat([
      decipher.update(Buffer.from(crypt.slice(1), 'hex')),
      decipher.final(),
    ]).toString('latin1')
  } catch {
    return undefined
  }
  const fields = parseFormPlaintext(plain)
  return fields?.['VendorTxCode'] === undefined ? undefined : fields
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
