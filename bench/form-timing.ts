// `form timing`: can a follow-up request tell a Form crypt with valid padding from one with invalid
// padding (issue 19, finding 2)? The reply to `GET /opayo/form-return` is the same for every crypt;
// the crypt is decrypted after it, on the same event loop, so the question is whether that work
// shows in the latency of the next request on the same keep-alive connection.
//
// The service under test is today's sync service (`createSyncService` over `listen`) in a child
// process (bench/form-timing/server.ts), once with the decryptor as it was before the fix
// (bench/form-timing/old-crypt.ts, swapped in by a module hook: the baseline that must show the
// oracle) and once as it is. The attacker is this process, on one raw keep-alive TCP connection:
// each trial sends `GET /opayo/form-return?crypt=...`, waits for its 303, then sends `GET /health`
// and times it. Each pair is two trials in random order: a crypt whose padding is valid and the
// same crypt with its last padding byte changed so that it is not (the attack on the last byte:
// the byte before the last block is the guess), each a fresh two-block crypt of random garbage.
// The control pair is two valid-padding crypts. The figure is the share of pairs in which the
// invalid padding's follow-up was slower (ties count half): 0.5 when the timing does not depend
// on the padding. With N pairs a share beyond 0.5 +- 4 x sqrt(0.25 / N) is an oracle.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/form-timing.ts
import { spawn } from 'node:child_process'
import { createDecipheriv, randomBytes, randomInt } from 'node:crypto'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { percentile, runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const SERVER = fileURLToPath(new URL('./form-timing/server.ts', import.meta.url))
const PAIRS = Number(process.env['OKW_FORM_TIMING_PAIRS'] ?? 5_000)
const WARM_UP = 400
/** Each server's pairs stop here even if fewer than PAIRS were sent. */
const SECONDS = Number(process.env['OKW_FORM_TIMING_SECONDS'] ?? 90)
const PASSWORD = 'BenchFormKey0001'
const KEY = Buffer.from(PASSWORD, 'latin1')
const Z = 4
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

type Decryptor = 'old' | 'current'

/** Starts server.ts with one decryptor; resolves with its port and a stop function. */
function startServer(decryptor: Decryptor) {
  const child = spawn(
    process.execPath,
    ['--conditions=@opayo-kashflow/source', '--import', TSX, SERVER],
    {
      env: {
        ...process.env,
        OKW_FORM_TIMING_DECRYPTOR: decryptor,
        OKW_FORM_TIMING_PASSWORD: PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return new Promise<{ port: number; stop: () => Promise<void> }>((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+) \((\w+) decryptor\)/.exec(output)
      if (match?.[2] === decryptor)
        resolve({
          port: Number(match[1]),
          stop: async () => {
            child.kill('SIGTERM')
            await exited
          },
        })
    })
    child.on('exit', (code) => reject(new Error(`form-timing server exited ${code}: ${output}`)))
  })
}

/** One keep-alive HTTP/1.1 connection, one request at a time, read just far enough to end. */
class Connection {
  private buffer = ''
  private done: (() => void) | undefined
  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      this.check()
    })
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        resolve(new Connection(socket, `127.0.0.1:${port}`)),
      )
      socket.once('error', reject)
    })
  }

  /** Sends a GET and resolves when its whole response has arrived. */
  get(path: string): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${this.host}\r\n\r\n`)
    })
  }

  close(): void {
    this.socket.destroy()
  }

  private check(): void {
    const end = this.buffer.indexOf('\r\n\r\n')
    if (end < 0) return
    const head = this.buffer.slice(0, end).toLowerCase()
    const length = /\r\ncontent-length: *(\d+)/.exec(head)
    const body = this.buffer.slice(end + 4)
    let complete: number | undefined
    if (length)
      complete = body.length >= Number(length[1]) ? end + 4 + Number(length[1]) : undefined
    else if (head.includes('transfer-encoding: chunked')) {
      const last = body.indexOf('0\r\n\r\n')
      complete =
        last >= 0 && (last === 0 || body[last - 1] === '\n') ? end + 4 + last + 5 : undefined
    } else complete = end + 4
    if (complete === undefined) return
    this.buffer = this.buffer.slice(complete)
    const done = this.done
    this.done = undefined
    done?.()
  }
}

/** The block cipher's raw decryption of one block (what CBC xors with the previous block). */
function intermediate(block: Buffer): Buffer {
  const decipher = createDecipheriv('aes-128-ecb', KEY, null).setAutoPadding(false)
  return Buffer.concat([decipher.update(block), decipher.final()])
}

const hex = (bytes: Buffer) => `@${bytes.toString('hex').toUpperCase()}`

/**
 * Two-block crypts of garbage: one whose last plaintext byte is 0x01 (valid padding) and the same
 * with only the byte before the last block changed so that the last byte is 0x00 or 0x11..0xff
 * (invalid padding, as most guesses of the attack on the last byte are).
 */
function cryptPair(): { valid: string; invalid: string } {
  const blocks = randomBytes(32)
  const mid = intermediate(blocks.subarray(16))[15]!
  const valid = Buffer.from(blocks)
  valid[15] = mid ^ 0x01
  const invalid = Buffer.from(blocks)
  const byte = [0, ...Array.from({ length: 239 }, (_, i) => 0x11 + i)][randomInt(240)]!
  invalid[15] = mid ^ byte
  return { valid: hex(valid), invalid: hex(invalid) }
}

/** Checks what cryptPair makes against OpenSSL's own padding check (the bench's own test). */
function paddingIsValid(crypt: string): boolean {
  const decipher = createDecipheriv('aes-128-cbc', KEY, KEY)
  try {
    decipher.update(Buffer.from(crypt.slice(1), 'hex'))
    decipher.final()
    return true
  } catch {
    return false
  }
}

const formPath = (crypt: string) => `/opayo/form-return?crypt=${encodeURIComponent(crypt)}`

interface Timing {
  /** The Form return's own response, ms. */
  readonly first: number
  /** The follow-up GET /health after it, ms. */
  readonly follow: number
}

async function trial(connection: Connection, crypt: string): Promise<Timing> {
  const start = performance.now()
  await connection.get(formPath(crypt))
  const between = performance.now()
  await connection.get('/health')
  return { first: between - start, follow: performance.now() - between }
}

/** Runs [a, b] in random order and returns their timings as [a, b]. */
async function pair(connection: Connection, a: string, b: string): Promise<[Timing, Timing]> {
  if (randomInt(2) === 0) {
    const ta = await trial(connection, a)
    return [ta, await trial(connection, b)]
  }
  const tb = await trial(connection, b)
  return [await trial(connection, a), tb]
}

interface Shares {
  readonly pairs: number
  /** Share of pairs where the second's follow-up was slower than the first's. */
  readonly follow: number
  readonly control: number
  /** The same over the Form return's own response (context). */
  readonly first: number
  readonly firstControl: number
  readonly medianValid: number
  readonly medianInvalid: number
  readonly seconds: number
}

const slower = (a: number, b: number) => (b > a ? 1 : b === a ? 0.5 : 0)

/** Sends the pairs to one server and counts, for each pair, which follow-up was slower. */
async function measure(decryptor: Decryptor): Promise<Shares> {
  const server = await startServer(decryptor)
  const connection = await Connection.open(server.port)
  try {
    const check = cryptPair()
    if (!paddingIsValid(check.valid) || paddingIsValid(check.invalid))
      throw new Error('form-timing: the crypt pair does not pad as intended')
    for (let i = 0; i < WARM_UP; i += 1) {
      const { valid, invalid } = cryptPair()
      await pair(connection, valid, invalid)
    }
    let follow = 0
    let control = 0
    let first = 0
    let firstControl = 0
    const valids: number[] = []
    const invalids: number[] = []
    const start = performance.now()
    let pairs = 0
    while (pairs < PAIRS && performance.now() - start < SECONDS * 1000) {
      const test = cryptPair()
      const other = cryptPair()
      // The test pair and the control pair in random order too.
      const runTest = () => pair(connection, test.valid, test.invalid)
      const runControl = () => pair(connection, other.valid, cryptPair().valid)
      let v: Timing, iv: Timing, c1: Timing, c2: Timing
      if (randomInt(2) === 0) {
        ;[v, iv] = await runTest()
        ;[c1, c2] = await runControl()
      } else {
        ;[c1, c2] = await runControl()
        ;[v, iv] = await runTest()
      }
      follow += slower(v.follow, iv.follow)
      control += slower(c1.follow, c2.follow)
      first += slower(v.first, iv.first)
      firstControl += slower(c1.first, c2.first)
      valids.push(v.follow)
      invalids.push(iv.follow)
      pairs += 1
    }
    return {
      pairs,
      follow: follow / pairs,
      control: control / pairs,
      first: first / pairs,
      firstControl: firstControl / pairs,
      medianValid: percentile(valids, 50),
      medianInvalid: percentile(invalids, 50),
      seconds: (performance.now() - start) / 1000,
    }
  } finally {
    connection.close()
    await server.stop()
  }
}

/** Whether a share is further from 0.5 than Z standard errors of N fair coin flips. */
const beyond = (share: number, pairs: number) => Math.abs(share - 0.5) > Z * Math.sqrt(0.25 / pairs)

function figure(decryptor: Decryptor, s: Shares): Figure {
  const found = beyond(s.follow, s.pairs)
  const controlFair = !beyond(s.control, s.pairs)
  const bound = (Z * Math.sqrt(0.25 / s.pairs)).toFixed(3)
  return {
    name:
      decryptor === 'old'
        ? 'Form return, old throwing decryptor (baseline): share of pairs whose invalid-padding follow-up was slower'
        : 'Form return, current decryptor: share of pairs whose invalid-padding follow-up was slower',
    value: s.follow,
    unit: 'share',
    baseline: { name: 'control, valid vs valid padding', value: s.control, unit: 'share' },
    ratio: s.follow / s.control,
    goal:
      decryptor === 'old'
        ? `the bench finds the old oracle: |share - 0.5| > ${bound} (${Z} SE)`
        : `no oracle: |share - 0.5| <= ${bound} (${Z} SE), control likewise`,
    met: decryptor === 'old' ? found : !found && controlFair,
    note: `${s.pairs} pairs in ${s.seconds.toFixed(0)} s; follow-up median valid ${(s.medianValid * 1000).toFixed(1)} us, invalid ${(s.medianInvalid * 1000).toFixed(1)} us; the Form reply itself: share ${s.first.toFixed(3)}, control ${s.firstControl.toFixed(3)}`,
  }
}

export const section: BenchSection = {
  title: 'form timing (padding oracle on GET /opayo/form-return)',
  async run(): Promise<readonly Figure[]> {
    const old = await measure('old')
    const current = await measure('current')
    return [figure('old', old), figure('current', current)]
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSections([section])
