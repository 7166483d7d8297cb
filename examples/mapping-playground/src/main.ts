// `pnpm demo`: plans KashFlow postings for a bundled day of Opayo payments and prints them.
import { planCharges, renderCharges } from './charges.js'
import { findDeposits, renderDeposits } from './deposits.js'
import { planPlayground, renderPlayground } from './playground.js'

const rows = await planPlayground()
console.log(renderPlayground(rows))
const unaccounted = rows.filter((row) => row.intents.length === 0)
if (unaccounted.length > 0) {
  console.error(`${unaccounted.length} payments got no decision`)
  process.exitCode = 1
}
console.log()
console.log(renderCharges(planCharges()))
console.log()
console.log(renderDeposits(findDeposits()))
