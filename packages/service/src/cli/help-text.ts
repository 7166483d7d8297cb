// `opayo-kashflow --help`: the commands, their flags, the options and the exit codes.

/** The text `--help` prints. */
export const HELP = `opayo-kashflow: Opayo card payments into KashFlow, exactly once.

Usage: opayo-kashflow <command> [options]

Commands:
  serve                         run the service (notifications, Form returns, Pi hand-over, poller, status page)
                                [--role all|ack|worker]: ack answers Opayo only, worker only posts
  status                        counts per state, backlog age, dead letters   [--json]
  dead-letters list             the dead letters with their reasons           [--json]
  dead-letters show <id>        one dead letter explained, every attempt      [--json]
  dead-letters replay <id...>   put dead letters back in the queue            [--reason R] [--dry-run] [--json]
  dead-letters resolve <id>     post it to the invoice a person chose         --invoice N --reason R [--by NAME] [--json]
  dead-letters discard <id>     close a dead letter                           --reason R
  registrations import FILE     Server registrations into the store           [--json]
                                (FILE: a JSON array, or the { "<VendorTxCode>": {...} } map)
  fees import FILE              fees per batch or transaction (our CSV layout) into the store  [--json]
                                (columns: batch_id | transaction_id | vendor_tx_code, fee, currency)
  deposits import FILE          the bank's statement: OFX, or CSV read with settlement.deposits.columns;
                                where batches find their deposits             [--json]
  charges import FILE           monthly acquirer and gateway charges (our CSV layout), queued  [--json]
                                (columns: statement_id, date | period, fee_type, net, vat, currency)
  settlement received BATCH AMOUNT  what reached the bank for a foreign-currency batch [--json]
                                (AMOUNT in the home currency; -97.80 when the acquirer took money)
  settlement explain BATCH AMOUNT  a posted batch's payout difference to its nominal, once
                                --as chargeback|reserve|charges --nominal N [--on D] [--from clearing|bank] [--json]
  backfill --from D --to D      pull Opayo's Reporting API and ingest
  reconcile --from D --to D     Opayo vs the ledger vs KashFlow               [--out DIR] [--json]
  doctor                        check credentials and the configured accounts [--json]
  demo                          the whole job on fakes, on loopback          [--mode clearing]
  fakes                         fake Opayo + KashFlow on 127.0.0.1, seeded; prints the config for serve
                                [--invoices 1042:120.00,1043:50.00 | --seed FILE] [--write-config PATH]
                                [--port-kashflow N (4010)] [--port-opayo N (4011)] [--port-serve N (8080; 0 picks one)]
  trigger payment|declined|refund|deferred   register + pay at the fakes, notify the running serve,
                                print the reply and the event's state     [--invoice N (1042)] [--amount 10.00] [--url URL] [--json]
                                (refund: a payment then its refund; deferred: the authorisation then its release)

Options:
  --config PATH   the config file (default ./opayo-kashflow.config.json)
  --json          machine-readable output
  --help, --version

Exit codes: 0 done, 1 failed (or something needs attention), 2 usage or configuration error.
Secrets come from the environment: OPAYO_KASHFLOW_KASHFLOW_PASSWORD, OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD,
OPAYO_KASHFLOW_REPORTING_PASSWORD, OPAYO_KASHFLOW_FORM_PASSWORD, OPAYO_KASHFLOW_PI_INTEGRATION_KEY,
OPAYO_KASHFLOW_PI_INTEGRATION_PASSWORD, OPAYO_KASHFLOW_HANDOVER_TOKEN, OPAYO_KASHFLOW_ADMIN_TOKEN,
OPAYO_KASHFLOW_DATABASE_URL.`
