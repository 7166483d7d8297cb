// The sync and service suites share their test data.
export { CREDENTIALS, payment } from '../../../test/support/payments.js'
