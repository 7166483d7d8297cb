// `serve`'s check of `server.admin` before anything listens: an admin listener beyond loopback
// serves the status page and the resolve form (which moves money) to whoever reaches it, so it
// starts only with an admin bearer token, which the admin handler then requires of every request.
import { isLoopbackHostname } from '../service/admin-guard.js'
import type { ServiceConfig } from './config.js'
import { ConfigError, SECRET_ENV, optionalSecret } from './config.js'

/**
 * How the admin listener is protected: `none` when there is no `server.admin`, `host` on a
 * loopback address (only its own loopback `Host` values are answered, and the resolve form needs
 * its page token), `bearer` beyond loopback (every request needs the admin token).
 * @param config the loaded configuration
 * @param env where the admin token is read from
 * @default env process.env
 * @throws {ConfigError} when `server.admin.host` is not a loopback address and
 * OPAYO_KASHFLOW_ADMIN_TOKEN is not set
 * @example
 * // `serve`, with the configuration loadConfig read, before anything listens:
 * function startAdmin(config: Parameters<typeof adminListenerGuard>[0]) {
 *   const guard = adminListenerGuard(config) // 'none' | 'host' | 'bearer'
 * }
 */
export function adminListenerGuard(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv = process.env,
): 'none' | 'host' | 'bearer' {
  const admin = config.server.admin
  if (!admin) return 'none'
  if (isLoopbackHostname(admin.host)) return 'host'
  if (optionalSecret('adminToken', env)) return 'bearer'
  throw new ConfigError(
    `server.admin.host is ${JSON.stringify(admin.host)}, not a loopback address: the admin listener would serve the status page and its resolve form (which posts payments) to anyone who can reach it. Bind server.admin.host to 127.0.0.1 and reach it over SSH or a VPN, or set ${SECRET_ENV.adminToken} (a long random string: openssl rand -hex 32); then every request to the admin listener needs Authorization: Bearer <token>.`,
  )
}
