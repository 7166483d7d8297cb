// The `server` section of the config file (the listeners, their limits, the admin listener), as
// a schema. Kept apart from config.ts, which assembles the sections.
import { z } from 'zod'

/** `server` in the config file: where `serve` listens and the limits of its listeners. */
export const ServerConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8080),
  host: z.string().default('127.0.0.1'),
  /** Where Opayo sends the shopper; {vendorTxCode} is replaced. */
  redirectUrl: z.url(),
  /** Where every Form return sends the shopper (the return's own query parameters are appended). */
  formRedirectUrl: z.url().optional(),
  concurrency: z.number().int().positive().default(2),
  /** Largest request body, in bytes (413 above it). */
  bodyLimitBytes: z.number().int().min(1024).max(10_485_760).default(65_536),
  /** The whole request must arrive within this (slow clients are cut off). */
  requestTimeoutMs: z.number().int().min(100).default(10_000),
  /** The headers must arrive within this. */
  headersTimeoutMs: z.number().int().min(100).default(5_000),
  /** At most this many open connections on the public listener. */
  maxConnections: z.number().int().min(1).max(100_000).default(1_000),
  /**
   * At most this many of them from one client address (IPv6: one /64): a fair share, so one
   * client cannot hold the cap. Behind a proxy every connection is the proxy's: set it to
   * maxConnections and limit per client in the proxy. @default max(10, maxConnections / 10)
   */
  maxConnectionsPerClient: z.number().int().min(1).max(100_000).optional(),
  /**
   * A second listener for the admin routes (status page, detailed health), bound to loopback
   * by default. The admin routes are also served on the main listener when
   * OPAYO_KASHFLOW_ADMIN_TOKEN is set (as a bearer token). A `host` that is not a loopback
   * address needs OPAYO_KASHFLOW_ADMIN_TOKEN: `serve` refuses to start without it
   * (admin-listener.ts), and every request to that listener then needs the bearer token.
   */
  admin: z
    .strictObject({
      port: z.number().int().min(0).max(65535),
      host: z.string().default('127.0.0.1'),
    })
    .optional(),
})
