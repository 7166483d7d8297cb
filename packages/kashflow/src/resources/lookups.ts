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

export function lookupResources(transport: KashflowTransport) {
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
