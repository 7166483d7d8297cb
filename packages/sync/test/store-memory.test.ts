import { memoryStore } from '../src/index.js'
import { describeStoreContract } from '@opayo-kashflow/sync/testing'

describeStoreContract('memory', () => Promise.resolve(memoryStore()))
