/**
 * The key pairs the stand-in accepts: long-term ones from the start, STS ones added at run time
 * (by AssumeRoleWithOIDC, or a test through `addCredential`), each with its security token.
 */
import { randomBytes } from 'node:crypto'
import { randomAlnum } from './helpers.mjs'

/** @typedef {import('../stand-in.d.mts').Credential} Credential */
/** @typedef {import('./state.mjs').State} State */

/**
 * The key pair every stand-in accepts unless started with `credentials` (not a secret).
 * @type {typeof import('../stand-in.d.mts').DEFAULT_CREDENTIALS}
 */
export const DEFAULT_CREDENTIALS = Object.freeze([
  Object.freeze({
    accessKeyId: 'LTAI5tStandInKeyId0001',
    accessKeySecret: 'StandInSecret+/=0001xyz'
  })
])

/**
 * Accept one more key pair from now on (e.g. STS keys issued during a test). A key with the same
 * AccessKeyId is replaced, as a refreshed STS token would be.
 * @param {State} state
 * @param {Credential} credential
 * @returns {Credential}  the stored copy
 */
export function addCredential(state, credential) {
  if (!credential.accessKeyId || !credential.accessKeySecret) {
    throw new TypeError('addCredential: accessKeyId and accessKeySecret are required')
  }
  const copy = { ...credential }
  const index = state.credentials.findIndex(c => c.accessKeyId === credential.accessKeyId)
  if (index >= 0) state.credentials[index] = copy
  else state.credentials.push(copy)
  return copy
}

/**
 * A random STS-shaped key (`STS.` AccessKeyId, secret, `CAIS…` security token), for addCredential.
 * @type {typeof import('../stand-in.d.mts').newStsCredential}
 */
export function newStsCredential(overrides = {}) {
  return {
    accessKeyId: `STS.NT${randomAlnum(26)}`,
    accessKeySecret: randomAlnum(44),
    securityToken: `CAIS${randomBytes(240).toString('base64')}`,
    ...overrides
  }
}
