// `opayo-kashflow demo [--mode clearing]`: loaded only when asked, so the other commands never
// load the fakes or the SQLite driver the demo runs on.
import { ConfigError } from './config.js'

/** Runs the demo (`direct`, the default, or `clearing`); true when everything is accounted for. */
export async function runDemoCommand(
  log: (line: string) => void,
  mode: string = 'direct',
): Promise<boolean> {
  if (mode === 'clearing') {
    const { runClearingDemo } = await import('../demo/clearing-demo.js')
    return (await runClearingDemo({ log })).cleared
  }
  if (mode !== 'direct')
    throw new ConfigError(`--mode must be "direct" or "clearing", not "${mode}".`, { docs: 'cli' })
  const { runDemo } = await import('../demo/demo.js')
  const result = await runDemo({ log })
  return result.accounted
}
