/**
 * The main step: read the settings, obtain the certificates, report. {@link runAction} does the
 * work, with everything outside the process (runner, network, clock, randomness, files,
 * cancellation) handed in as one {@link ActionIo}, so a test runs it in-process with fakes;
 * {@link run} is the live wrapper that builds that object from `@actions/core` and Node.
 */
import * as core from '@actions/core'
import { randomBytes, randomUUID } from 'node:crypto'
import type { Dispatcher } from './undici.js'
import { profileRecorder, STATE_IS_POST, STATE_PROFILES } from './cleanup.js'
import { CancelledError, ExpectedFailure } from './errors.js'
import { describeBatchFailure, describeFailure } from './failure.js'
import { requestIdToken } from './id-token.js'
import { readSettings } from './inputs.js'
import { obtainCertificates } from './onboarding.js'
import { prepareConfigDir, writeProfile } from './profile.js'
import { obtainCredentials } from './oidc.js'
import { createDispatcher, readProxySettings, type ProxySettings } from './proxy.js'
import { createSecretRegistry } from './redact.js'
import { describeStart, setOutputs, writeSummary, type SummarySink } from './outputs.js'
import { DEFAULT_RETRY_POLICY } from './retry.js'
import type { RpcDependencies } from './rpc.js'
import type { Environment, InputReader, Settings } from './settings.js'
import { sleep } from './sleep.js'
import { readableStack } from './stack-trace.js'
import { createVpcClient } from './vpc-client.js'

/** Where the step reports: the parts of `@actions/core` that log, fail the step and mask. */
interface ActionLogger {
  info: (line: string) => void
  warning: (line: string) => void
  /** Shown only with debug logging (a bug's stack trace). */
  debug: (line: string) => void
  setFailed: (message: string) => void
  /** Masks a secret in the runner's log (`core.setSecret`). */
  setSecret: (secret: string) => void
}

/** Everything the main step reads or changes outside itself: the live one, or a test's fakes. */
export interface ActionIo {
  /** The step's inputs, read as `core.getInput` does. */
  getInput: InputReader
  /** Credentials, proxy, workflow-run, token-service and STS variables, GITHUB_STEP_SUMMARY. */
  env: Environment
  setOutput: (name: string, value: string) => void
  /** Saves a value for the post step (`core.saveState`). */
  saveState: (name: string, value: string) => void
  /** The job summary; written only when GITHUB_STEP_SUMMARY is set. */
  summary: SummarySink
  logger: ActionLogger
  /** The clock, in ms. */
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** In [0, 1): the retries' jitter. */
  random: () => number
  /** A fresh signature nonce for every request. */
  newNonce: () => string
  /** The ClientToken outside a workflow run. */
  randomClientToken: () => string
  /** The one connection pool for every request of the run, through `proxy`; destroyed at the end. */
  createDispatcher: (proxy: ProxySettings | undefined) => Dispatcher
  /** Aborted, with a CancelledError as its reason, when the runner cancels the step. */
  signal: AbortSignal
  /** Checks config-dir before any certificate is made; returns its absolute path. */
  prepareConfigDir: (dir: string, log: (line: string) => void) => Promise<string>
  /** Writes one profile file directly inside `dir`; returns its absolute path. */
  writeProfile: (
    dir: string,
    fileName: string,
    content: string,
    log: (line: string) => void
  ) => Promise<string>
}

/** The action's main step, as the runner starts it. */
export async function run(): Promise<void> {
  const cancellation = new AbortController()
  const stopListening = abortOnCancellation(cancellation)
  try {
    await runAction(liveIo(cancellation.signal))
  } finally {
    stopListening()
  }
}

/**
 * Aborts `controller` on the runner's cancellation signals (SIGINT, then SIGTERM). Returns the
 * function that removes the handlers.
 */
function abortOnCancellation(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(new CancelledError(`received ${signal}`))
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The real runner, network, clock, randomness and files. */
function liveIo(signal: AbortSignal): ActionIo {
  return {
    getInput: (name, options) => core.getInput(name, options),
    env: process.env,
    setOutput: (name, value) => core.setOutput(name, value),
    saveState: (name, value) => core.saveState(name, value),
    summary: core.summary,
    logger: {
      info: line => core.info(line),
      warning: line => core.warning(line),
      debug: line => core.debug(line),
      setFailed: message => core.setFailed(message),
      setSecret: secret => core.setSecret(secret)
    },
    now: Date.now,
    sleep,
    random: Math.random,
    newNonce: () => randomBytes(16).toString('hex'),
    randomClientToken: randomUUID,
    createDispatcher,
    signal,
    prepareConfigDir,
    writeProfile
  }
}

/**
 * The main step with the outside world given: every input error, API failure, cancellation and
 * bug ends here as one `setFailed` message (a batch that obtained some certificates still sets
 * their outputs).
 */
export async function runAction(io: ActionIo): Promise<void> {
  const { logger } = io
  // First, so the post step (the same bundle) knows it is the post step whatever happens here.
  io.saveState(STATE_IS_POST, 'true')
  let dispatcher: Dispatcher | undefined
  let settings: Settings | undefined
  // Every secret goes through here: masked in the runner's log and redacted from all we print.
  const secrets = createSecretRegistry(secret => logger.setSecret(secret))
  try {
    // First: a proxy variable may carry a password, and a malformed one must fail here, named.
    dispatcher = io.createDispatcher(readProxySettings(io.env, secrets.mask))
    settings = readSettings(io.getInput, io.env, secrets.mask, io.randomClientToken)
    // Known before the first call, so a failed or cancelled step still tells which token to re-use.
    const token = singleToken(settings)
    if (token !== undefined) io.setOutput('client-token', token)
    logger.info(describeStart(settings))
    const deadline = io.now() + settings.timeoutMs
    // A config-dir that will be refused fails the step before any certificate is made.
    if (settings.configDir !== undefined) {
      await io.prepareConfigDir(settings.configDir, line => logger.info(line))
    }
    const recordProfile = profileRecorder(settings.keepProfiles, value =>
      io.saveState(STATE_PROFILES, value)
    )
    const deps = serviceDependencies(io, dispatcher, secrets, recordProfile)
    const credentials = await obtainCredentials(settings, { ...deps, deadline })
    const vpc = createVpcClient({
      rpc: deps.rpc,
      deadline,
      mask: deps.mask,
      target: settings,
      credentials
    })
    const outcomes = await obtainCertificates(settings, vpc, deps)
    setOutputs(io, outcomes)
    if (io.env['GITHUB_STEP_SUMMARY']) await writeSummary(io.summary, settings, outcomes)
    const failed = outcomes.filter(o => !o.ok)
    const [only] = outcomes
    if (outcomes.length === 1 && only && !only.ok) throw only.error
    if (failed.length > 0) {
      logger.setFailed(describeBatchFailure(outcomes, settings.timeoutMs / 1000))
    }
  } catch (error) {
    if (error instanceof CancelledError) logger.warning(`Cancelled (${error.message}).`)
    logger.setFailed(
      describeFailure(error, {
        clientToken: singleToken(settings),
        timeoutSeconds: settings ? settings.timeoutMs / 1000 : undefined,
        sts: stsContext(settings)
      })
    )
    // A bug, not an expected failure: the stack helps whoever reports it (shown with debug logging).
    if (!(error instanceof ExpectedFailure) && error instanceof Error && error.stack) {
      logger.debug(readableStack(error.stack))
    }
  } finally {
    await dispatcher?.destroy().catch(() => undefined)
  }
}

/** The clientToken worth re-using after a failure: the only one, for a single certificate. */
function singleToken(settings: Settings | undefined): string | undefined {
  return settings?.targets.length === 1 ? settings.targets[0]?.clientToken : undefined
}

/** With keyless credentials, what failure.ts needs to point at a closer STS endpoint. */
function stsContext(settings: Settings | undefined) {
  if (settings?.credentials.source !== 'oidc') return undefined
  return { origin: settings.credentials.oidc.stsEndpoint.origin, regionId: settings.regionId }
}

/** What the services need, bound to this run's dispatcher, secrets and profile record. */
function serviceDependencies(
  io: ActionIo,
  dispatcher: Dispatcher,
  secrets: ReturnType<typeof createSecretRegistry>,
  recordProfile: (path: string) => void
) {
  const log = (line: string) => io.logger.info(line)
  const rpc: RpcDependencies = {
    dispatcher,
    policy: DEFAULT_RETRY_POLICY,
    now: io.now,
    sleep: io.sleep,
    random: io.random,
    newNonce: io.newNonce,
    signal: io.signal,
    redact: secrets.redact,
    log
  }
  const live = {
    rpc,
    mask: secrets.mask,
    log,
    env: io.env,
    writeFile: async (dir: string, fileName: string, content: string) => {
      const path = await io.writeProfile(dir, fileName, content, log)
      // At once, so the post step removes it even when a later name fails the step.
      recordProfile(path)
      return path
    }
  }
  // The token comes through the same dispatcher, deadline and cancellation as every other call.
  const getIDToken = (audience: string, deadline: number) =>
    requestIdToken(audience, { ...live, deadline })
  return { ...live, getIDToken }
}
