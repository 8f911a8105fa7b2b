/**
 * Reading inputs in tests: a reader that behaves as `core.getInput`, the minimum valid inputs, and
 * `read` (readSettings with harmless defaults), shared by the tests of inputs.ts,
 * credential-inputs.ts and action.yml.
 */
import { expect } from '@jest/globals'
import { InputError } from '../src/core/errors.js'
import { readSettings } from '../src/create/inputs.js'
import { type Environment, type InputReader } from '../src/core/environment.js'
import type { Settings } from '../src/create/inputs.js'

export const KEY_ID = 'LTAI5tInputKeyId0001'
export const KEY_SECRET = 'InputSecret+/=0123456789abcdefXYZ'
export const ENV_KEY_ID = 'LTAI5tEnvKeyId0002'
export const ENV_KEY_SECRET = 'EnvSecret0123456789abcdefghijklm'
export const ENV_TOKEN = 'CAIS.EnvStsToken/abc+def=='

/** The minimum valid set of inputs. */
export const VALID: Readonly<Record<string, string>> = {
  'access-key-id': KEY_ID,
  'access-key-secret': KEY_SECRET,
  'region-id': 'cn-hangzhou',
  'ssl-vpn-server-id': 'vss-bp1abc123'
}

/** Reads inputs the way `core.getInput` does: missing is '', trimmed unless told otherwise. */
export function reader(inputs: Readonly<Record<string, string>>): InputReader {
  return (name, options) => {
    const value = inputs[name] ?? ''
    return options?.trimWhitespace === false ? value : value.trim()
  }
}

export interface ReadOptions {
  env?: Environment
  maskSecret?: (value: string) => void
  randomToken?: () => string
}

export function read(
  inputs: Readonly<Record<string, string>>,
  options: ReadOptions = {}
): Settings {
  return readSettings(
    reader(inputs),
    options.env ?? {},
    options.maskSecret ?? (() => undefined),
    options.randomToken ?? (() => 'random-token-for-tests')
  )
}

/** The one certificate target of a single-name step. */
export function only(settings: Settings) {
  expect(settings.targets).toHaveLength(1)
  return settings.targets[0]!
}

/** Runs `fn`, expecting it to throw an InputError, and returns that error. */
export function inputErrorFrom(fn: () => unknown): InputError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(InputError)
  return thrown as InputError
}

export const EVERY_SECRET = [KEY_ID, KEY_SECRET, ENV_KEY_ID, ENV_KEY_SECRET, ENV_TOKEN]
