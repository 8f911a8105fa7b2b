/**
 * What every action that calls an API (create, revoke, report, sync) composes the same way, so that
 * each entry only adds what is its own: the live runner ({@link runLive}: cancellation signals and
 * the real `@actions/core`, Node, clock and files as one {@link ActionIo}), and one step's life
 * ({@link runStep}): every secret registered for masking and redaction, the proxy variables read
 * and one dispatcher made, the entry's settings read, keyless credentials exchanged, one VPC client
 * built on one deadline, and every failure turned into one `setFailed` message (a bug's stack at
 * debug level), the dispatcher destroyed at the end.
 */
import * as core from '@actions/core'
import { randomBytes, randomUUID } from 'node:crypto'
import type { Dispatcher } from '../http/undici.js'
import { CancelledError, ExpectedFailure } from '../core/errors.js'
import { describeFailure } from './failure.js'
import { requestIdToken } from '../github/id-token.js'
import { prepareConfigDir, writeProfile } from '../certificates/profile.js'
import { obtainCredentials } from '../alibaba/oidc.js'
import { createDispatcher, readProxySettings, type ProxySettings } from '../http/proxy.js'
import { createSecretRegistry } from '../core/redact.js'
import { liveRunnerIo, runLiveWith, type RunnerIo } from './live.js'
import { DEFAULT_RETRY_POLICY } from '../http/retry.js'
import type { ApiUsage, RpcDependencies } from '../http/call-context.js'
import type { Environment } from '../core/environment.js'
import type { ConnectionSettings } from '../alibaba/settings.js'
import { readableStack } from '../core/stack-trace.js'
import { createVpcClient, type VpcClient } from '../alibaba/vpc-client.js'

/** Everything a step reads or changes outside itself: the live one, or a test's fakes. */
export interface ActionIo extends RunnerIo {
  /** In [0, 1): the retries' jitter. */
  random: () => number
  /** A fresh signature nonce for every request. */
  newNonce: () => string
  /** The ClientToken outside a workflow run. */
  randomClientToken: () => string
  /** The one connection pool for every request of the run, through `proxy`; destroyed at the end. */
  createDispatcher: (proxy: ProxySettings | undefined) => Dispatcher
  /**
   * Checks config-dir before any certificate is made (creating it one level at a time, stopping
   * when `signal` aborts); returns its absolute path.
   */
  prepareConfigDir: (
    dir: string,
    log: (line: string) => void,
    signal?: AbortSignal
  ) => Promise<string>
  /** Writes one profile file directly inside `dir`; returns its absolute path. */
  writeProfile: (
    dir: string,
    fileName: string,
    content: string | Uint8Array,
    log: (line: string) => void,
    signal?: AbortSignal
  ) => Promise<string>
}

/** An entry's step, as the runner starts it: `step` with the live runner, Node and network. */
export async function runLive(step: (io: ActionIo) => Promise<void>): Promise<void> {
  await runLiveWith(
    signal => ({
      ...liveRunnerIo(core, signal),
      random: Math.random,
      newNonce: () => randomBytes(16).toString('hex'),
      randomClientToken: randomUUID,
      createDispatcher,
      prepareConfigDir,
      writeProfile
    }),
    step
  )
}

/** What every step reads the same way, and the SSL server it acts on (all of the region's if none). */
interface StepSettings extends ConnectionSettings {
  sslVpnServerId?: string | undefined
}

/** The part of {@link ActionIo} every step uses; an entry may need more (the main step's files). */
export type StepIo = Pick<
  ActionIo,
  | 'getInput'
  | 'env'
  | 'setOutput'
  | 'summary'
  | 'logger'
  | 'now'
  | 'sleep'
  | 'random'
  | 'newNonce'
  | 'createDispatcher'
  | 'signal'
>

/** What a step's services need: the run's side effects, bound to its dispatcher and secrets. */
interface ServiceDependencies {
  rpc: RpcDependencies
  /** Masks a secret in the runner's log and in everything the action prints. */
  mask: (secret: string) => void
  log: (line: string) => void
  env: Environment
  /** The job's OIDC token, through the same dispatcher, deadline and cancellation as every call. */
  getIDToken: (audience: string, deadline: number) => Promise<string>
  /** Every API call of the step so far, and the time waited between them (for the job summary). */
  usage: Readonly<ApiUsage>
}

/** What a step gets once its settings are read. */
export interface StepSession {
  /** When the step gives up (`timeout-seconds` from the moment the settings were read). */
  deadline: number
  deps: ServiceDependencies
  /**
   * The step's keys (exchanged with STS first when keyless) and the VPC client built with them:
   * called once the step is ready to make its first API call.
   */
  connect: () => Promise<VpcClient>
}

/** An entry's own part of a step. */
interface Step<S extends StepSettings, IO extends StepIo> {
  /** Reads and checks every input (after the proxy variables); `mask` takes every secret. */
  readSettings: (io: IO, mask: (secret: string) => void) => S
  /** The work: report through `io`; a thrown error fails the step with one message. */
  run: (settings: S, session: StepSession) => Promise<void>
  /** The ClientToken worth re-using after a failure, for the failure's hint. */
  clientToken?: (settings: S | undefined) => string | undefined
  /** The failure message where the entry words it its own way (else failure.ts's). */
  describeFailure?: (error: unknown, settings: S | undefined) => string | undefined
}

/**
 * One step of an action with the outside world given: every input error, API failure,
 * cancellation and bug ends here as one `setFailed` message.
 */
export async function runStep<S extends StepSettings, IO extends StepIo>(
  io: IO,
  step: Step<S, IO>
): Promise<void> {
  const { logger } = io
  let dispatcher: Dispatcher | undefined
  let settings: S | undefined
  // Every secret goes through here: masked in the runner's log and redacted from all we print.
  const secrets = createSecretRegistry(secret => logger.setSecret(secret))
  try {
    // First: a proxy variable may carry a password, and a malformed one must fail here, named.
    dispatcher = io.createDispatcher(readProxySettings(io.env, secrets.mask))
    const read = step.readSettings(io, secrets.mask)
    settings = read
    const deadline = io.now() + read.timeoutMs
    const deps = serviceDependencies(io, dispatcher, secrets)
    const connect = async () => {
      const credentials = await obtainCredentials(read, { ...deps, deadline })
      return createVpcClient({
        rpc: deps.rpc,
        deadline,
        mask: deps.mask,
        target: read,
        credentials
      })
    }
    await step.run(read, { deadline, deps, connect })
  } catch (error) {
    if (error instanceof CancelledError) logger.warning(`Cancelled (${error.message}).`)
    logger.setFailed(
      step.describeFailure?.(error, settings) ??
        describeFailure(error, {
          clientToken: step.clientToken?.(settings),
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

/** With keyless credentials, what failure.ts needs to point at a closer STS endpoint. */
export function stsContext(settings: ConnectionSettings | undefined) {
  if (settings?.credentials.source !== 'oidc') return undefined
  return { origin: settings.credentials.oidc.stsEndpoint.origin, regionId: settings.regionId }
}

/** What the services need, bound to this run's dispatcher and secrets. */
function serviceDependencies(
  io: StepIo,
  dispatcher: Dispatcher,
  secrets: ReturnType<typeof createSecretRegistry>
): ServiceDependencies {
  const log = (line: string) => io.logger.info(line)
  const usage: ApiUsage = { calls: 0, waitedMs: 0 }
  const rpc: RpcDependencies = {
    dispatcher,
    policy: DEFAULT_RETRY_POLICY,
    now: io.now,
    sleep: io.sleep,
    random: io.random,
    newNonce: io.newNonce,
    signal: io.signal,
    redact: secrets.redact,
    log,
    usage
  }
  const live = { rpc, mask: secrets.mask, log, env: io.env }
  // The token comes through the same dispatcher, deadline and cancellation as every other call.
  const getIDToken = (audience: string, deadline: number) =>
    requestIdToken(audience, { ...live, deadline })
  return { ...live, getIDToken, usage }
}
