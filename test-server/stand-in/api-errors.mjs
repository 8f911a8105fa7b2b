/**
 * The API's refusals: `ApiError` is thrown by any check (authentication, parameters, busy gateway)
 * and turned into the real service's JSON error shape by replies.mjs. Its status and message come
 * from the table below unless the thrower says otherwise.
 */

/**
 * Status and message for the codes the stand-in knows. The first six are copied exactly from the
 * CreateSslVpnClientCert reference page; the others follow the real service's wording.
 * @type {Record<string, [number, string]>}
 */
const KNOWN_ERRORS = {
  'Forbbiden.SubUser': [
    403,
    'User not authorized to operate on the specified resource as your account is created by another user.'
  ],
  Forbidden: [403, 'User not authorized to operate on the specified resource.'],
  'Resource.QuotaFull': [400, 'The quota of resource is full'],
  'VpnGateway.Configuring': [400, 'The specified service is configuring.'],
  'VpnGateway.FinancialLocked': [400, 'The specified service is financial locked.'],
  InvalidName: [400, 'The name is not valid'],

  Throttling: [400, 'Request was denied due to request throttling.'],
  'Throttling.User': [400, 'Request was denied due to user flow control.'],
  'Throttling.Api': [400, 'Request was denied due to api flow control.'],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.'],
  InternalError: [
    500,
    'The request processing has failed due to some unknown error, exception or failure.'
  ],
  OperationConflict: [409, 'Request was denied due to conflict with a previous request.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidSecurityToken.MismatchWithAccessKey': [
    400,
    'Specified SecurityToken mismatch with the AccessKey.'
  ],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  IdempotentParameterMismatch: [
    400,
    'Request uses a client token in a previous request but is not identical to that request.'
  ],
  'InvalidClientToken.Malformed': [
    400,
    'The specified ClientToken is not valid: use at most 64 ASCII characters.'
  ],
  'InvalidSslVpnServerId.NotFound': [404, 'The specified SslVpnServerId does not exist.'],
  'InvalidSslVpnClientCertId.NotFound': [404, 'The specified SslVpnClientCertId does not exist.'],
  InvalidParameter: [400, 'The specified parameter is not valid.'],
  'InvalidAction.NotFound': [400, 'Specified api is not found, please check your url and method.'],
  InvalidVersion: [400, 'Specified parameter Version is not valid.'],
  InvalidSignatureMethod: [400, 'Specified signature method is not supported.'],
  InvalidSignatureVersion: [400, 'Specified signature version is not supported.'],
  InvalidContentSha256: [
    400,
    'The x-acs-content-sha256 header does not match the SHA-256 of the request body.'
  ],
  'InvalidParameter.Format': [400, 'The stand-in only answers JSON: send Format=JSON.'],
  MissingParameter: [
    400,
    'The input parameter that is mandatory for processing this request is not supplied.'
  ],
  MissingAccessKeyId: [400, 'AccessKeyId is mandatory for this action.']
}

/** An answer the stand-in gives as a JSON error: thrown by checks, turned into a reply. */
export class ApiError extends Error {
  /**
   * @param {string} code
   * @param {{ message?: string, httpStatus?: number, headers?: Record<string, string> }} [details]
   */
  constructor(code, details = {}) {
    const [defaultStatus, defaultMessage] = KNOWN_ERRORS[code] ?? [
      400,
      `The request failed: ${code}.`
    ]
    super(details.message ?? defaultMessage)
    this.code = code
    this.httpStatus = details.httpStatus ?? defaultStatus
    this.headers = details.headers ?? {}
  }
}

/** @param {string} name */
export function missingParameter(name) {
  return new ApiError('MissingParameter', {
    message: `The input parameter "${name}" that is mandatory for processing this request is not supplied.`
  })
}
