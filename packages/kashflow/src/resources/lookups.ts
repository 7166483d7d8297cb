import type { z } from 'zod'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import {
  BankAccountSchema,
  CurrencySchema,
  NominalSchema,
  PaymentMethodSchema,
} from '../wire/schemas.js'
import type { BankAccount, KashflowCurrency, Nominal, PaymentMethod } from '../wire/schemas.js'
import { paginate } from './invoices.js'

async function all<T>(
  transport: KashflowTransport,
  path: string,
  schema: z.ZodType<T>,
  call?: KashflowCallOptions,
): Promise<T[]> {
  const rows: T[] = []
  for await (const row of paginate(
    transport,
    path,
    schema,
    {},
    KASHFLOW_UNCONFIRMED.maxPerPage,
    call,
  ))
    rows.push(row)
  return rows
}

/** A list KashFlow keeps per account, read whole (every page). */
export interface KashflowLookup<T> {
  list(call?: KashflowCallOptions): Promise<T[]>
}

/** The account's lookups: bank accounts, invoice payment methods, currencies, nominal codes. */
export interface KashflowLookups {
  /** `GET /bankaccounts`: `Id` is what payments name as `AccountId`. */
  readonly bankAccounts: KashflowLookup<BankAccount>
  /** The invoice payment methods (the path is UNCONFIRMED: `KASHFLOW_UNCONFIRMED.paymentMethodsPath`). */
  readonly paymentMethods: KashflowLookup<PaymentMethod>
  /** `GET /currencies`. */
  readonly currencies: KashflowLookup<KashflowCurrency>
  /** `GET /nominals`: the nominal codes journals post to. */
  readonly nominals: KashflowLookup<Nominal>
}

export function lookupResources(transport: KashflowTransport): KashflowLookups {
  return {
    bankAccounts: {
      list: (call?: KashflowCallOptions): Promise<BankAccount[]> =>
        all(transport, 'bankaccounts', BankAccountSchema as z.ZodType<BankAccount>, call),
    },
    paymentMethods: {
      list: (call?: KashflowCallOptions): Promise<PaymentMethod[]> =>
        all(
          transport,
          KASHFLOW_UNCONFIRMED.paymentMethodsPath,
          PaymentMethodSchema as z.ZodType<PaymentMethod>,
          call,
        ),
    },
    currencies: {
      list: (call?: KashflowCallOptions): Promise<KashflowCurrency[]> =>
        all(transport, 'currencies', CurrencySchema as z.ZodType<KashflowCurrency>, call),
    },
    nominals: {
      list: (call?: KashflowCallOptions): Promise<Nominal[]> =>
        all(transport, 'nominals', NominalSchema as z.ZodType<Nominal>, call),
    },
  }
}
