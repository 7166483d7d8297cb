// `opayo-kashflow demo`: loaded only when asked, so the other commands never load the fakes or
// the SQLite driver the demo runs on.
export async function runDemoCommand(log: (line: string) => void): Promise<boolean> {
  const { runDemo } = await import('../demo/demo.js')
  const result = await runDemo({ log })
  return result.accounted
}
