// The fake KashFlow's sessions: the two-step login (`POST` then `PUT /sessiontoken`, with
// memorable-word positions), logout, and the `KfToken` check with idle expiry.
import { randomUUID } from 'node:crypto'
import { error, json } from './http.js'
import type { KashflowState } from './state.js'

/**
 * `POST /sessiontoken`: checks the username and password, then asks for three memorable-word
 * positions under a temporary token.
 * @example const answer = loginStart(state, { UserName: 'accounts@example.co.uk', Password: 's3cret' })
 */
export function loginStart(state: KashflowState, body: unknown): Response {
  const b = (body ?? {}) as Record<string, unknown>
  // Model binding is case-insensitive (CappyTech/KashFlowAPI-CRON-ts src/kashflow/auth.ts sends
  // lower-case names and logs in): accept UserName or username.
  const username = b['UserName'] ?? b['username']
  const password = b['Password'] ?? b['password']
  if (username !== state.user.username || password !== state.user.password) {
    return error(
      400,
      'InvalidCredentials',
      'The username/password is invalid. invalid username/password',
    )
  }
  const length = state.user.memorableWord.length
  const positions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    .filter((p) => p <= length)
    .sort(() => Math.random() - 0.5)
    .slice(0, 3)
    .sort((a, b) => a - b)
  const temporary = randomUUID()
  state.temporary.set(temporary, { positions })
  return json(201, {
    TemporaryToken: temporary,
    MemorableWordList: positions.map((Position) => ({ Position, Value: '' })),
    HasTemporaryPassword: state.user.temporaryPassword ?? false,
    IsAdmin: true,
    PackageName: 'Business',
    SubscriptionExpired: state.user.subscriptionExpired ?? false,
    IsLockedOut: state.user.locked ?? false,
    KeepUserLoggedIn: false,
  })
}

/**
 * `PUT /sessiontoken`: checks the memorable-word characters for the temporary token and opens a
 * session.
 * @example
 * loginStart(state, { UserName: 'accounts@example.co.uk', Password: 's3cret' })
 * const [token, { positions }] = [...state.temporary][0]!
 * const answer = loginFinish(state, { TemporaryToken: token, MemorableWordList: positions.map((p) => ({ Position: p, Value: state.user.memorableWord[p - 1] })) })
 */
export function loginFinish(state: KashflowState, body: unknown): Response {
  const b = (body ?? {}) as {
    TemporaryToken?: string
    MemorableWordList?: { Position: number; Value: string }[]
  }
  const pending = b.TemporaryToken === undefined ? undefined : state.temporary.get(b.TemporaryToken)
  if (!pending) return error(401, 'InvalidTemporaryToken', 'Temporary token is invalid or expired.')
  state.temporary.delete(b.TemporaryToken!)
  if (state.user.locked) return error(401, 'AccountLocked', 'User account is locked.')
  const given = new Map((b.MemorableWordList ?? []).map((c) => [c.Position, c.Value]))
  const correct = pending.positions.every(
    (p) =>
      (given.get(p) ?? '').toLowerCase() === (state.user.memorableWord[p - 1] ?? '').toLowerCase(),
  )
  if (!correct)
    return error(401, 'InvalidMemorableWord', 'The memorable word characters are incorrect.')
  const token = randomUUID().toUpperCase()
  state.sessions.set(token, state.now())
  state.logins += 1
  return json(200, {
    SessionToken: token,
    CompanyName: 'Example Ltd',
    IsAdmin: true,
    SubscriptionExpired: false,
    HasTemporaryPassword: false,
  })
}

/**
 * The session check every other request passes: `DELETE /sessiontoken/{token}` logs out (204);
 * a missing, unknown or idle-expired `KfToken` is refused (401); otherwise the session's idle
 * clock restarts and the answer is `undefined` (go on).
 * @example const refused = checkSession(state, request, 'invoices/1042', state.now())
 */
export function checkSession(
  state: KashflowState,
  request: Request,
  path: string,
  now: number,
): Response | undefined {
  const auth = request.headers.get('authorization') ?? ''
  const token = /^KfToken (.+)$/.exec(auth)?.[1]
  const lastUsed = token === undefined ? undefined : state.sessions.get(token)
  if (token !== undefined && path === `sessiontoken/${token}` && request.method === 'DELETE') {
    state.sessions.delete(token)
    return new Response(null, { status: 204 })
  }
  if (token === undefined || lastUsed === undefined || now - lastUsed > state.idleMs) {
    if (token !== undefined) state.sessions.delete(token)
    return error(401, 'InvalidSessionToken', 'Session token provided is invalid.')
  }
  state.sessions.set(token, now)
  return undefined
}
