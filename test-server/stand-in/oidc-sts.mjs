/**
 * Keyless credentials: the runner's OIDC token service (what `core.getIDToken` calls) and STS
 * AssumeRoleWithOIDC, whose keys the VPC side then accepts only with their security token. Enabled
 * by the `oidc` option.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { ApiError, missingParameter } from './api-errors.mjs'
import { addCredential, newStsCredential } from './credentials.mjs'
import { randomAlnum } from './helpers.mjs'
import { serverNow } from './state.mjs'

/** @typedef {import('../stand-in.d.mts').StandInOptions} StandInOptions */
/** @typedef {import('./request-flow.mjs').RequestContext} RequestContext */
/** @typedef {import('./state.mjs').State} State */

/** Where the stand-in's token service answers (ACTIONS_ID_TOKEN_REQUEST_URL points here). */
export const OIDC_TOKEN_PATH = '/_oidc/token'
const STS_API_VERSION = '2015-04-01'
/** Actions that carry no signature: STS checks the OIDC token instead. */
export const ANONYMOUS_ACTIONS = new Set(['AssumeRoleWithOIDC'])
const ROLE_SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/

/**
 * The role, provider and audience AssumeRoleWithOIDC accepts unless `oidc` names others.
 * @type {typeof import('../stand-in.d.mts').DEFAULT_OIDC}
 */
export const DEFAULT_OIDC = Object.freeze({
  roleArn: 'acs:ram::1234567890123456:role/github-ssl-vpn-onboarding',
  oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/github-actions',
  audience: 'sts.aliyuncs.com'
})

/**
 * @typedef {object} OidcState
 * @property {string} roleArn
 * @property {string} oidcProviderArn
 * @property {string} audience           the provider's client ID, which tokens must carry
 * @property {string} requestToken       what ACTIONS_ID_TOKEN_REQUEST_TOKEN must be
 * @property {number} maxSessionDurationSeconds
 * @property {number} tokenLifetimeMs
 * @property {Buffer} signingKey
 * @property {{ audience: string, token: string, expiresAt: number }[]} issued
 * @property {{ audience: string | null, authorized: boolean }[]} tokenRequests
 */

/**
 * @param {NonNullable<StandInOptions['oidc']>} options
 * @returns {OidcState}
 */
export function oidcState(options) {
  return {
    roleArn: options.roleArn ?? DEFAULT_OIDC.roleArn,
    oidcProviderArn: options.oidcProviderArn ?? DEFAULT_OIDC.oidcProviderArn,
    audience: options.audience ?? DEFAULT_OIDC.audience,
    requestToken: options.requestToken ?? `runner-${randomAlnum(32)}`,
    maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 5 * 60_000,
    signingKey: randomBytes(32),
    issued: [],
    tokenRequests: []
  }
}

/** @param {Buffer | string} data */
function base64url(data) {
  return Buffer.from(data).toString('base64url')
}

/**
 * GitHub's token service, as `core.getIDToken` calls it: GET the request URL plus `&audience=`,
 * with `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, answered `{ "value": <JWT> }`.
 * The JWT is signed with the stand-in's own HMAC key, which its STS then checks.
 * @param {State} state
 * @param {OidcState} oidc
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 */
export function answerOidcTokenRequest(state, oidc, req, res, url) {
  const audience = url.searchParams.get('audience')
  const authorized = req.headers.authorization === `Bearer ${oidc.requestToken}`
  oidc.tokenRequests.push({ audience, authorized })
  if (!authorized) {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ message: 'Bad credentials' }))
    return
  }
  const now = serverNow(state)
  const expiresAt = now + oidc.tokenLifetimeMs
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'stand-in' }))
  const payload = base64url(
    JSON.stringify({
      iss: 'https://token.actions.githubusercontent.com',
      aud: audience ?? 'https://github.com/stand-in',
      sub: 'repo:acme/onboarding:ref:refs/heads/main',
      repository: 'acme/onboarding',
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: randomAlnum(16)
    })
  )
  const signature = createHmac('sha256', oidc.signingKey).update(`${header}.${payload}`).digest()
  const token = `${header}.${payload}.${base64url(signature)}`
  oidc.issued.push({ audience: audience ?? '', token, expiresAt })
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ count: 1, value: token }))
}

/**
 * STS AssumeRoleWithOIDC (2015-04-01), anonymous: checks the token (signature, expiry, audience),
 * the provider and role ARNs, the session name and duration; issues STS keys that the VPC side
 * accepts from then on, only together with their security token.
 * @param {State} state
 * @param {RequestContext} ctx
 * @returns {import('./request-flow.mjs').HandlerResult}
 */
export function assumeRoleWithOidc(state, ctx) {
  const oidc = state.oidc
  if (!oidc) throw new ApiError('InvalidAction.NotFound')
  const p = ctx.params
  // Version is a common parameter, so it is in the query, not among the operation's parameters.
  if (ctx.query.Version !== STS_API_VERSION) {
    throw new ApiError('InvalidVersion', {
      httpStatus: 400,
      message: `Specified parameter Version is not valid: ${ctx.query.Version}.`
    })
  }
  for (const name of ['RoleArn', 'OIDCProviderArn', 'OIDCToken', 'RoleSessionName']) {
    if (!p[name]) throw missingParameter(name)
  }
  const unauthorized = (/** @type {string} */ code, /** @type {string} */ message) =>
    new ApiError(code, { httpStatus: 401, message })
  const token = oidc.issued.find(t => t.token === p.OIDCToken)
  const [header, payload, signature] = (p.OIDCToken ?? '').split('.')
  if (!header || !payload || !signature) {
    throw unauthorized(
      'AuthenticationFail.OIDCToken.Invalid',
      "The number of Jwt field should be divided into 3 parts with '.' ."
    )
  }
  const expected = createHmac('sha256', oidc.signingKey).update(`${header}.${payload}`).digest()
  if (!token || base64url(expected) !== signature) {
    throw unauthorized(
      'AuthenticationFail.OIDCToken.InvalidSignature',
      'OIDC token validate failed: invalid signature.'
    )
  }
  if (serverNow(state) >= token.expiresAt) {
    throw unauthorized('AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.')
  }
  if (token.audience !== oidc.audience) {
    throw unauthorized('AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.')
  }
  if (p.OIDCProviderArn !== oidc.oidcProviderArn) {
    throw unauthorized('AuthenticationFail.NoPermission', 'No such OIDC Provider registered.')
  }
  if (p.RoleArn !== oidc.roleArn) {
    throw new ApiError('EntityNotExist.Role', {
      httpStatus: 404,
      message: 'The specified Role not exists.'
    })
  }
  if (!ROLE_SESSION_NAME.test(p.RoleSessionName ?? '')) {
    throw new ApiError('InvalidParameter.RoleSessionName', {
      httpStatus: 400,
      message: 'The parameter RoleSessionName is wrongly formed.'
    })
  }
  const duration = Number(p.DurationSeconds ?? '3600')
  if (!Number.isInteger(duration) || duration < 900 || duration > oidc.maxSessionDurationSeconds) {
    throw new ApiError('InvalidParameter.DurationSeconds', {
      httpStatus: 400,
      message: `The Min/Max value of DurationSeconds is 15min/${oidc.maxSessionDurationSeconds / 60}min.`
    })
  }
  const credential = addCredential(state, newStsCredential())
  const roleName = oidc.roleArn.split('/').pop()
  return {
    outcome: 'assumed',
    fields: {
      AssumedRoleUser: {
        Arn: `${oidc.roleArn.replace(':role/', ':assumed-role/')}/${p.RoleSessionName}`,
        AssumedRoleId: `34458433936495****:${roleName}`
      },
      Credentials: {
        AccessKeyId: credential.accessKeyId,
        AccessKeySecret: credential.accessKeySecret,
        SecurityToken: credential.securityToken,
        Expiration: new Date(serverNow(state) + duration * 1000)
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z')
      },
      SourceIdentity: ''
    }
  }
}
