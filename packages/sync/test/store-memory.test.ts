import { memoryStore } from '../src/index.js'
import { storeContract } from './store-contract.js'

storeContract('memory', { make: () => Promise.resolve(memoryStore()) })
