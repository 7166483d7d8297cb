// The fake Opayo's Reporting API (`access/access.htm`): the `<vspaccess>` XML read back into
// its parameters, the signature checked, and each command answered from the state.
import { buildReportingXml, parseReportingDate } from '@opayo-kashflow/opayo'
import type { ReportingParam } from '@opayo-kashflow/opayo'
import { XMLParser } from 'fast-xml-parser'
import { escape, xmlResponse } from './http.js'
import {
  generatedById,
  listPage,
  parseLondon,
  reportingRow,
  thinBatchRow,
} from './reporting-rows.js'
import { batchListRow } from './settlement.js'
import type { OpayoState } from './state.js'
import type { FakeOpayoTransaction } from './types.js'

/**
 * Answers a Reporting API request (`XML=` form field): the signature checked the way Opayo does,
 * then version, getTransactionDetail, getTransactionList, getFraudScreenDetail, getBatchList and
 * getBatchDetail.
 * @example const answer = await answerReporting(opayoState, request)
 */
export async function answerReporting(state: OpayoState, request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text())
  const xml = form.get('XML') ?? ''
  const parsed = new XMLParser({ parseTagValue: false, preserveOrder: true }).parse(xml) as unknown
  const root = ((parsed as { vspaccess?: unknown[] }[])[0]?.vspaccess ?? []) as Record<
    string,
    unknown
  >[]
  // Re-create the parameters in order, then check the signature the way Opayo does.
  const params: ReportingParam[] = []
  let command = ''
  let vendor = ''
  let user = ''
  let signature = ''
  const textOf = (node: Record<string, unknown>, name: string) =>
    ((node[name] as { '#text'?: string }[] | undefined)?.[0]?.['#text'] ?? '').toString()
  const toParam = (node: Record<string, unknown>): ReportingParam => {
    const name = Object.keys(node)[0] ?? ''
    const children = node[name] as Record<string, unknown>[]
    const isText =
      children.length === 0 || (children.length === 1 && '#text' in (children[0] ?? {}))
    return [name, isText ? textOf(node, name) : children.map(toParam)]
  }
  for (const node of root) {
    const name = Object.keys(node)[0] ?? ''
    if (name === 'command') command = textOf(node, name)
    else if (name === 'vendor') vendor = textOf(node, name)
    else if (name === 'user') user = textOf(node, name)
    else if (name === 'signature') signature = textOf(node, name)
    else params.push(toParam(node))
  }
  const creds = state.options.reporting
  const expected = buildReportingXml(command, params, {
    vendor,
    user,
    password: creds.password,
  }).signature
  if (vendor !== creds.vendor || user !== creds.user || signature.toLowerCase() !== expected) {
    return xmlResponse('<errorcode>2007</errorcode><error>Invalid signature or credentials</error>')
  }
  const param = (name: string) => {
    const found = params.find(([n]) => n.toLowerCase() === name)
    return typeof found?.[1] === 'string' ? found[1] : undefined
  }
  switch (command) {
    case 'version':
      return xmlResponse('<errorcode>0000</errorcode><version>3.00</version>')
    case 'getTransactionDetail': {
      const id = param('vpstxid')?.toUpperCase()
      const code = param('vendortxcode')
      const tx =
        [...state.transactions.values()].find(
          (t) => t.transactionId === id || t.vendorTxCode === code,
        ) ?? generatedById(state, id)
      return tx
        ? xmlResponse(`<errorcode>0000</errorcode>${reportingRow(state, tx)}`)
        : xmlResponse('<errorcode>0043</errorcode><error>Transaction not found</error>')
    }
    case 'getTransactionList': {
      const from = parseLondon(param('startdate'))
      const to = parseLondon(param('enddate'))
      const start = Number(param('startrow') ?? '1')
      const end = Number(param('endrow') ?? String(start + 49))
      const rows =
        from === undefined || to === undefined || !(end >= start) || !(start >= 1)
          ? []
          : listPage(state, from, to, start, end)
      return xmlResponse(
        `<errorcode>0000</errorcode><transactions>${rows.map((t) => `<transaction>${reportingRow(state, t)}</transaction>`).join('')}</transactions>`,
      )
    }
    case 'getFraudScreenDetail':
      return xmlResponse(
        '<errorcode>0000</errorcode><fraudprovidername>ReD</fraudprovidername><fraudscreenrecommendation>ACCEPT</fraudscreenrecommendation><fraudid/><fraudcode>0100</fraudcode><fraudcodedetail>Accept</fraudcodedetail>',
      )
    case 'getBatchList': {
      const from = parseLondon(param('startdate'))
      const to = parseLondon(param('enddate'))
      // Batches completed in [startdate, enddate], London time.
      const rows = [...state.batches.values()].filter((b) => {
        const at = Date.parse(parseReportingDate(b.completed) ?? '')
        return from !== undefined && to !== undefined && at >= from && at <= to
      })
      return xmlResponse(
        `<errorcode>0000</errorcode><batches>${rows.map((b) => batchListRow(state, b)).join('')}</batches>`,
      )
    }
    case 'getBatchDetail': {
      const batch = state.batches.get(param('batchid') ?? '')
      if (!batch) return xmlResponse('<errorcode>0043</errorcode><error>Batch not found</error>')
      const start = Number(param('startrow') ?? '1')
      const end = Number(param('endrow') ?? String(start + 49))
      const rows = batch.transactionIds
        .slice(Math.max(0, start - 1), Math.max(0, end))
        .map((id) => state.transactions.get(id))
        .filter((t): t is FakeOpayoTransaction => t !== undefined)
      const row = (t: FakeOpayoTransaction) =>
        state.options.batchDetailRows === 'full' ? reportingRow(state, t) : thinBatchRow(state, t)
      return xmlResponse(
        `<errorcode>0000</errorcode><transactions>${rows.map((t) => `<transaction>${row(t)}</transaction>`).join('')}</transactions>`,
      )
    }
    default:
      return xmlResponse(
        `<errorcode>2015</errorcode><error>Unknown command ${escape(command)}</error>`,
      )
  }
}
