/**
 * The default ClientToken (the API's idempotency key).
 *
 * Inside a workflow it is derived from where the step runs and what it asks for, so a re-run of
 * the same job (same `GITHUB_RUN_ID`; the run attempt is deliberately left out) sends the same token
 * and the API answers with the certificate the first run made, instead of making a second one.
 * Two steps, jobs or runs, or two different names, get different tokens.
 */
import { createHash } from 'node:crypto'

/** Where the step runs: the runner's `GITHUB_*` variables. */
export interface WorkflowRunContext {
  repository: string
  runId: string
  job: string
  /** `GITHUB_ACTION`: the step's id, or a generated name unique within the job. */
  step: string
}

/** What the step asks for. */
export interface TokenRequestParams {
  regionId: string
  sslVpnServerId: string
  name: string | undefined
}

/** Maximum ClientToken length accepted by the API. */
export const CLIENT_TOKEN_MAX_LENGTH = 64
const DERIVED_TOKEN_PREFIX = 'gha-'

/**
 * `gha-` and 40 hex digits (160 bits) of SHA-256 over the run context and the request's parameters,
 * each length-prefixed so that no two different inputs can produce the same hash input.
 */
export function deriveClientToken(run: WorkflowRunContext, params: TokenRequestParams): string {
  return tokenOf([
    'CreateSslVpnClientCert',
    run.repository,
    run.runId,
    run.job,
    run.step,
    params.regionId,
    params.sslVpnServerId,
    params.name ?? ''
  ])
}

/**
 * The ClientToken of DeleteSslVpnClientCert for one certificate: like the create's, from the run
 * context, the operation and the certificate's ID, so a re-run of the same job re-sends the same
 * delete (and two certificates never share a token).
 */
export function deriveDeleteClientToken(
  run: WorkflowRunContext,
  params: { regionId: string; certId: string }
): string {
  return tokenOf([
    'DeleteSslVpnClientCert',
    run.repository,
    run.runId,
    run.job,
    run.step,
    params.regionId,
    params.certId
  ])
}

/**
 * The delete tokens of a step: derived from the workflow run (`run`), or outside one random, made
 * once per certificate so that every attempt of one delete sends the same token.
 */
export function deleteClientTokens(
  run: WorkflowRunContext | undefined,
  regionId: string,
  randomToken: () => string
): (certId: string) => string {
  const random = new Map<string, string>()
  return certId => {
    if (run !== undefined) return deriveDeleteClientToken(run, { regionId, certId })
    let token = random.get(certId)
    if (token === undefined) random.set(certId, (token = randomToken()))
    return token
  }
}

/** `gha-` and 40 hex digits of SHA-256 over the fields, each length-prefixed. */
function tokenOf(fields: readonly string[]): string {
  const hash = createHash('sha256')
  for (const field of fields) hash.update(`${field.length}:${field};`, 'utf8')
  return DERIVED_TOKEN_PREFIX + hash.digest('hex').slice(0, 40)
}

/** The run context from the runner's environment, or undefined outside a workflow run. */
export function readWorkflowRunContext(
  env: Readonly<Record<string, string | undefined>>
): WorkflowRunContext | undefined {
  const { GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB, GITHUB_ACTION } = env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  return {
    repository: GITHUB_REPOSITORY,
    runId: GITHUB_RUN_ID,
    job: GITHUB_JOB ?? '',
    step: GITHUB_ACTION ?? ''
  }
}
