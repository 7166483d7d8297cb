// The fake Opayo's Pi REST API (as academe/opayo-pi and ebizmarts SagePaySuite use it):
// merchant session keys, transactions (payments, deferreds, repeats, refunds, authorises) with
// Opayo's validation errors, and instructions (void, abort, release, cancel).
import { randomUUID } from 'node:crypto'
import { json } from './http.js'
import type { OpayoState } from './state.js'
import type { FakeOpayoTransaction } from './types.js'

/** A card identifier starting with this is declined (NotAuthed, HTTP 403). */
const DECLINE_PREFIX = 'decline'

/**
 * Answers a Pi request (`path` is what follows `/api/v1/`): Basic auth checked, then merchant
 * session keys, transactions and their instructions.
 * @example const answer = await answerPi(opayoState, request, 'transactions/D0000001-1A2B-4C3D-8E4F-000000000001')
 */
export async function answerPi(
  state: OpayoState,
  request: Request,
  path: string,
): Promise<Response> {
  const expected = `Basic ${Buffer.from(`${state.options.integrationKey}:${state.options.integrationPassword}`).toString('base64')}`
  if (request.headers.get('authorization') !== expected) {
    return json(401, { description: 'Authentication failed', code: 1002 })
  }
  const body =
    request.method === 'POST'
      ? ((await request.json().catch(() => undefined)) as Record<string, unknown> | undefined)
      : undefined
  if (request.method === 'POST' && body === undefined)
    return json(400, { description: 'Malformed JSON', code: 1000 })
  const [resource, id, sub] = path.split('/')

  if (resource === 'merchant-session-keys' && request.method === 'POST') {
    if (body?.['vendorName'] !== state.options.vendorName) {
      return json(422, {
        errors: [{ description: 'Missing mandatory field', property: 'vendorName', code: 1003 }],
      })
    }
    return json(201, {
      merchantSessionKey: randomUUID().toUpperCase(),
      expiry: new Date(state.options.now().getTime() + 20 * 60_000).toISOString(),
    })
  }
  if (resource !== 'transactions') return json(404, { description: 'Not found', code: 1010 })
  if (id === undefined && request.method === 'POST') return createTransaction(state, body ?? {})
  const tx =
    id === undefined ? undefined : state.transactions.get(decodeURIComponent(id).toUpperCase())
  if (tx === undefined) return json(404, { description: 'Transaction not found', code: 1012 })
  if (sub === undefined && request.method === 'GET') return json(200, piView(tx))
  if (sub === 'instructions' && request.method === 'GET') {
    return json(200, {
      instructions: tx.instruction
        ? [{ instructionType: tx.instruction.type, date: tx.instruction.date.toISOString() }]
        : [],
    })
  }
  if (sub === 'instructions' && request.method === 'POST') return instruction(state, tx, body ?? {})
  return json(405, { description: 'Method not allowed', code: 1011 })
}

/** `POST /transactions`: validated as Pi does, declined for a "decline..." card identifier. */
function createTransaction(state: OpayoState, body: Record<string, unknown>): Response {
  const errors: { description: string; property: string; code: number }[] = []
  const type = body['transactionType']
  const vendorTxCode = body['vendorTxCode']
  const amount = body['amount']
  if (
    !['Payment', 'Deferred', 'Authenticate', 'Repeat', 'Refund', 'Authorise'].includes(String(type))
  ) {
    errors.push({
      description: 'Contains invalid value',
      property: 'transactionType',
      code: 1009,
    })
  }
  if (typeof vendorTxCode !== 'string' || !/^[A-Za-z0-9\-._{}]{1,40}$/.test(vendorTxCode)) {
    errors.push({ description: 'Contains invalid value', property: 'vendorTxCode', code: 1009 })
  } else if ([...state.transactions.values()].some((t) => t.vendorTxCode === vendorTxCode)) {
    errors.push({
      description: 'The VendorTxCode has been used before',
      property: 'vendorTxCode',
      code: 1009,
    })
  }
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1) {
    errors.push({ description: 'Contains invalid value', property: 'amount', code: 1009 })
  }
  const related =
    typeof body['referenceTransactionId'] === 'string'
      ? state.transactions.get(body['referenceTransactionId'].toUpperCase())
      : undefined
  if ((type === 'Refund' || type === 'Repeat' || type === 'Authorise') && related === undefined) {
    errors.push({
      description: 'Contains invalid value',
      property: 'referenceTransactionId',
      code: 1009,
    })
  }
  if (
    type === 'Refund' &&
    related &&
    typeof amount === 'number' &&
    related.refunded + amount > related.amount
  ) {
    errors.push({
      description: 'The refund amount exceeds the original amount',
      property: 'amount',
      code: 1009,
    })
  }
  if (errors.length > 0) return json(422, { errors })
  const card = (body['paymentMethod'] as { card?: { cardIdentifier?: string } } | undefined)?.card
  const declined = card?.cardIdentifier?.toLowerCase().startsWith(DECLINE_PREFIX) === true
  const tx: FakeOpayoTransaction = {
    transactionId: randomUUID().toUpperCase(),
    vendorTxCode: vendorTxCode as string,
    transactionType: type as FakeOpayoTransaction['transactionType'],
    status: declined ? 'NotAuthed' : 'Ok',
    statusCode: declined ? '2000' : '0000',
    statusDetail: declined
      ? 'The Authorisation was Declined by the bank.'
      : 'The Authorisation was Successful.',
    amount: amount as number,
    currency:
      typeof body['currency'] === 'string' ? body['currency'] : (related?.currency ?? 'GBP'),
    createdAt: state.options.now(),
    cardType: related?.cardType ?? 'Visa',
    lastFourDigits: related?.lastFourDigits ?? '0006',
    expiryDate: related?.expiryDate ?? '1228',
    refunded: 0,
    ...(related ? { relatedTransactionId: related.transactionId } : {}),
  }
  state.transactions.set(tx.transactionId, tx)
  if (type === 'Refund' && related && !declined) related.refunded += tx.amount
  return json(declined ? 403 : 201, piView(tx))
}

/** `POST /transactions/{id}/instructions`: void, abort, release (a deferred) or cancel, once. */
function instruction(
  state: OpayoState,
  tx: FakeOpayoTransaction,
  body: Record<string, unknown>,
): Response {
  const type = body['instructionType']
  if (!['void', 'abort', 'release', 'cancel'].includes(String(type))) {
    return json(422, {
      errors: [{ description: 'Contains invalid value', property: 'instructionType', code: 1009 }],
    })
  }
  if (tx.instruction)
    return json(422, {
      errors: [{ description: 'Operation not allowed', property: 'instructionType', code: 1017 }],
    })
  if (type === 'release') {
    const amount = body['amount']
    if (
      tx.transactionType !== 'Deferred' ||
      typeof amount !== 'number' ||
      amount < 1 ||
      amount > tx.amount
    ) {
      return json(422, {
        errors: [{ description: 'Contains invalid value', property: 'amount', code: 1009 }],
      })
    }
  }
  const date = state.options.now()
  tx.instruction = {
    type: type as 'void' | 'abort' | 'release' | 'cancel',
    date,
    ...(typeof body['amount'] === 'number' ? { amount: body['amount'] } : {}),
  }
  if (type === 'void')
    Object.assign(tx, { statusCode: '2005', statusDetail: 'The Void was Successful.' })
  if (type === 'abort')
    Object.assign(tx, { statusCode: '2006', statusDetail: 'The Abort was Successful.' })
  return json(201, { instructionType: type, date: date.toISOString() })
}

/** A transaction as Pi shows it. */
function piView(tx: FakeOpayoTransaction): Record<string, unknown> {
  return {
    transactionId: tx.transactionId,
    transactionType: tx.transactionType,
    status: tx.status,
    statusCode: tx.statusCode,
    statusDetail: tx.statusDetail,
    retrievalReference: tx.instruction?.type === 'void' ? 0 : 8636128,
    bankResponseCode: tx.status === 'Ok' ? '00' : '05',
    ...(tx.status === 'Ok' ? { bankAuthorisationCode: '999777' } : {}),
    paymentMethod: {
      card: {
        cardType: tx.cardType,
        lastFourDigits: tx.lastFourDigits,
        expiryDate: tx.expiryDate,
      },
    },
    amount: { totalAmount: tx.amount, saleAmount: tx.amount, surchargeAmount: 0 },
    currency: tx.currency,
    ...(tx.transactionType === 'Refund' ? {} : { '3DSecure': { status: 'Authenticated' } }),
    ...(tx.transactionType === 'Refund'
      ? {}
      : {
          avsCvcCheck: {
            status: 'AllMatched',
            address: 'Matched',
            postalCode: 'Matched',
            securityCode: 'Matched',
          },
        }),
  }
}
