/**
 * The action: read settings, create the certificate, report. Everything with a side effect
 * (network, clock, randomness, signals) is created here and handed to the modules that need it.
 */
import * as core from '@actions/core'
import { randomBytes, randomUUID } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { profileRecorder, STATE_IS_POST, STATE_PROFILES } from './cleanup.js'
import { CancelledError, isExpectedFailure } from './errors.js'
import { describeBatchFailure, describeFailure } from './failure.js'
import { requestIdToken } from './id-token.js'
import { obtainCertificates } from './onboarding.js'
import { prepareConfigDir, writeProfile } from './profile.js'
import { obtainCredentials } from './oidc.js'
import { createDispatcher, readProxySettings } from './proxy.js'
import { createSecretRegistry } from './redact.js'
import { describeStart, setOutputs, writeSummary } from './report.js'
import { DEFAULT_RETRY_POLICY } from './retry.js'
import { readSettings } from './inputs.js'
import type { Settings } from './settings.js'
import { sleep } from './sleep.js'
import { readableStack } from './stack-trace.js'

/** The clientToken worth re-using after a failure: the only one, for a single certificate. */
function singleToken(settings: Settings | undefined): string | undefined {
  return settings?.targets.length === 1 ? settings.targets[0]?.clientToken : undefined
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

/** With keyless credentials, what failure.ts needs to point at a closer STS endpoint. */
function stsContext(settings: Settings | undefined) {
  if (settings?.credentials.source !== 'oidc') return undefined
  return { origin: settings.credentials.oidc.stsEndpoint.origin, regionId: settings.regionId }
}

/** The real clock, randomness, network, files and runner: what tests replace. */
function liveDependencies(
  dispatcher: Dispatcher,
  signal: AbortSignal,
  secrets: ReturnType<typeof createSecretRegistry>,
  recordProfile: (path: string) => void
) {
  const live = {
    dispatcher,
    policy: DEFAULT_RETRY_POLICY,
    now: Date.now,
    sleep,
    random: Math.random,
    newNonce: () => randomBytes(16).toString('hex'),
    signal,
    redact: secrets.redact,
    mask: secrets.mask,
    log: (line: string) => core.info(line),
    env: process.env,
    writeFile: async (dir: string, fileName: string, content: string) => {
      const path = await writeProfile(dir, fileName, content, line => core.info(line))
      // At once, so the post step removes it even when a later name fails the step.
      recordProfile(path)
      return path
    }
  }
  // The token comes through the same dispatcher, deadline and cancellation as every other call.
  const getIDToken = (audience: string, deadline: number) =>
    requestIdToken(audience, live, deadline)
  return { ...live, getIDToken }
}

export async function run(): Promise<void> {
  // First, so the post step (the same bundle) knows it is the post step whatever happens here.
  core.saveState(STATE_IS_POST, 'true')
  const cancellation = new AbortController()
  const stopListening = abortOnCancellation(cancellation)
  let dispatcher: Dispatcher | undefined
  let settings: Settings | undefined
  // Every secret goes through here: masked in the runner's log and redacted from all we print.
  const secrets = createSecretRegistry(secret => core.setSecret(secret))
  try {
    // First: a proxy variable may carry a password, and a malformed one must fail here, named.
    dispatcher = createDispatcher(readProxySettings(process.env, secrets.mask))
    settings = readSettings(
      (name, options) => core.getInput(name, options),
      process.env,
      secrets.mask,
      randomUUID
    )
    // Known before the first call, so a failed or cancelled step still tells which token to re-use.
    const token = singleToken(settings)
    if (token !== undefined) core.setOutput('client-token', token)
    core.info(describeStart(settings))
    const deadline = Date.now() + settings.timeoutMs
    // A config-dir that will be refused fails the step before any certificate is made.
    if (settings.configDir !== undefined) {
      await prepareConfigDir(settings.configDir, line => core.info(line))
    }
    const recordProfile = profileRecorder(settings.keepProfiles, value =>
      core.saveState(STATE_PROFILES, value)
    )
    const deps = liveDependencies(dispatcher, cancellation.signal, secrets, recordProfile)
    const credentials = await obtainCredentials(settings, deps, deadline)
    const outcomes = await obtainCertificates(settings, credentials, { ...deps, deadline })
    setOutputs(core, outcomes)
    if (process.env['GITHUB_STEP_SUMMARY']) await writeSummary(core.summary, settings, outcomes)
    const failed = outcomes.filter(o => !o.ok)
    const [only] = outcomes
    if (outcomes.length === 1 && only && !only.ok) throw only.error
    if (failed.length > 0) core.setFailed(describeBatchFailure(outcomes, settings.timeoutMs / 1000))
  } catch (error) {
    if (error instanceof CancelledError) core.warning(`Cancelled (${error.message}).`)
    core.setFailed(
      describeFailure(error, {
        clientToken: singleToken(settings),
        timeoutSeconds: settings ? settings.timeoutMs / 1000 : undefined,
        sts: stsContext(settings)
      })
    )
    // A bug, not an expected failure: the stack helps whoever reports it (shown with debug logging).
    if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
      core.debug(readableStack(error.stack))
    }
  } finally {
    stopListening()
    await dispatcher?.destroy().catch(() => undefined)
  }
}
