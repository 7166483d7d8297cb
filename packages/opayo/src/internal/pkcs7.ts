// PKCS#5/#7 unpadding for AES (16-byte blocks) in constant time, for the Form crypt.
//
// A Form crypt carries no integrity check, so anything whose timing depends on whether the padding
// is valid is a padding oracle (issue 19, finding 2: OpenSSL's `final()` threw on bad padding and
// the throw cost more). This check always reads the same 16 trailing bytes in the same order,
// never exits early and never branches on a byte it reads: each test is folded into one mask with
// integer arithmetic. The length it returns does not depend on validity either (only on the last
// byte), so what a caller does next with the text can take the same path for a valid and an
// invalid padding, and look at `valid` only at the very end.

/** The AES block size: PKCS#7 padding is 1 to 16 bytes, each holding the padding length. */
export const AES_BLOCK = 16

/** The verdict of {@link checkPkcs7Padding}: both fields are computed on every input. */
export interface Pkcs7Check {
  /** 1 when the padding is valid, 0 when it is not. */
  readonly valid: 0 | 1
  /**
   * The length of the text before the padding: `bytes.length` minus the last byte when it is 1 to
   * 16, else minus 1, whether or not the padding is valid. So a valid and an invalid padding give
   * the same length when they end in the same byte (an attack on any byte but the last), and when
   * the last byte is 0x01 or out of range (the attack on the last byte).
   */
  readonly length: number
}

/**
 * Checks PKCS#7 padding over the last 16 bytes of `bytes` (whole AES blocks, at least one) in
 * constant time: the same reads in the same order and the same arithmetic for every input.
 * `bytes` is only ever read by index, `bytes.length - 1` down to `bytes.length - 16`.
 * @example checkPkcs7Padding(Buffer.from('0102030405060708090a0b0c0d0e0f01', 'hex')) // { valid: 1, length: 15 }
 */
export function checkPkcs7Padding(bytes: ArrayLike<number>): Pkcs7Check {
  const n = bytes.length
  // The length is public (it is the crypt's length); only the bytes are secret.
  if (n < AES_BLOCK || n % AES_BLOCK !== 0) return { valid: 0, length: 0 }
  const pad = bytes[n - 1]! & 0xff
  // Non-zero when pad is 0 or above 16.
  let bad = ((pad - 1) >> 31) | ((AES_BLOCK - pad) >> 31)
  for (let i = 0; i < AES_BLOCK; i += 1) {
    // All ones when byte n-1-i is padding (i < pad), else zero.
    const inPadding = (i - pad) >> 31
    bad |= ((bytes[n - 1 - i]! & 0xff) ^ pad) & inPadding
  }
  // 1 when bad is 0, else 0 (bad is 0..255 or -1).
  const valid = (((bad & 0x1ff) - 1) >>> 31) as 0 | 1
  // All ones when the last byte could be a padding length (1..16): then it is stripped, valid or
  // not; any other last byte strips 1, as a valid 0x01 does.
  const inRange = ~(((pad - 1) | (AES_BLOCK - pad)) >> 31)
  const strip = (pad & inRange) | (1 & ~inRange)
  return { valid, length: n - strip }
}
