// `opayo-kashflow demo`: the fakes live in @opayo-kashflow/testkit, an optional peer; load them
// only when asked, and say how to get them when they are missing.
import type * as Demo from '@opayo-kashflow/testkit/demo'

export async function runDemoCommand(log: (line: string) => void): Promise<boolean> {
  let demo: typeof Demo
  try {
    demo = await import('@opayo-kashflow/testkit/demo')
  } catch {
    log(
      'The demo needs the fakes in @opayo-kashflow/testkit: npm install --save-dev @opayo-kashflow/testkit',
    )
    return false
  }
  const result = await demo.runDemo({ log })
  return result.accounted
}
