import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/core/errors.js'
import {
  markAsProxyFailure,
  maskProxyCredentials,
  parseProxyUrl,
  proxyVariableOf,
  readProxySettings
} from '../../src/http/proxy.js'

function refusal(value: string, variable = 'HTTPS_PROXY'): InputError {
  try {
    parseProxyUrl(value, variable)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error(`accepted: ${value}`)
}

describe('parseProxyUrl', () => {
  // value, what the refusal says, the secret part that must not be quoted
  test.each([
    ['http://bot:Pa55#w0rd@proxy:3128', /contains "#" or "\?"/, 'Pa55#w0rd'],
    ['http://bot:3128#Secret@proxy:3128', /contains "#" or "\?"/, 'Secret'],
    ['http://bot:Pa55?w0rd@proxy:3128', /contains "#" or "\?"/, 'w0rd'],
    ['http://bot:Pa55/w0rd@proxy:3128', /is not a valid URL/, 'w0rd'],
    ['proxy:3128', /does not start with http:\/\/ or https:\/\//, 'proxy:3128'],
    ['bot:Secret@proxy:3128', /does not start with http:\/\/ or https:\/\//, 'Secret'],
    ['socks5://bot:Secret@proxy:1080', /SOCKS proxies are not supported/, 'Secret'],
    ['socks://proxy:1080', /SOCKS proxies are not supported/, 'proxy:1080'],
    ['ftp://bot:Secret@proxy:21', /scheme is not http:\/\/ or https:\/\//, 'Secret'],
    ['http://bot:Pa55 w0rd@proxy:3128', /a space or a control character/, 'w0rd'],
    ['http://proxy:3128\nX-Evil: 1', /a space or a control character/, 'X-Evil'],
    ['http://bot:Secret@:3128', /is not a valid URL/, 'Secret'],
    ['http:///', /is not a valid URL/, 'http:///'],
    ['http://proxy:99999', /is not a valid URL/, '99999'],
    ['http://bot:Bad%zz@proxy:3128', /malformed %-escape/, 'Bad%zz'],
    ['http://bot@proxy:3128', /user name without a password/, 'bot@'],
    ['http://:Secret@proxy:3128', /user name without a password/, 'Secret'],
    ['http://proxy:3128/path', /has a path/, '/path']
  ])('%j is refused: %s', (value, problem, secret) => {
    const error = refusal(value)
    expect(error.input).toBe('HTTPS_PROXY')
    expect(error.message).toMatch(/^Environment variable HTTPS_PROXY: is not a usable proxy URL: /)
    expect(error.message).toMatch(problem)
    expect(error.message).toContain('expected http://host:port or https://host:port')
    expect(error.message).not.toContain(secret)
    expect(error.message).not.toContain(value)
  })

  test.each([
    ['http://proxy:3128', 'http://proxy:3128/'],
    ['HTTP://Proxy.Example:3128/', 'http://proxy.example:3128/'],
    ['https://proxy.example', 'https://proxy.example/'],
    ['http://10.0.0.1:8080', 'http://10.0.0.1:8080/'],
    ['http://[::1]:3128', 'http://[::1]:3128/'],
    ['http://bot:pa%23ss@proxy:3128', 'http://bot:pa%23ss@proxy:3128/'],
    // The last "@" ends the user info (WHATWG URL), so an "@" in the password is read as meant.
    ['http://bot:p@ss@proxy:3128', 'http://bot:p%40ss@proxy:3128/']
  ])('%j is accepted as %j', (value, href) => {
    expect(parseProxyUrl(value, 'HTTPS_PROXY')).toBe(href)
  })
})

describe('maskProxyCredentials', () => {
  function masked(raw: string): string[] {
    const secrets: string[] = []
    maskProxyCredentials(raw, secret => secrets.push(secret))
    return secrets
  }

  test('the whole value, the user info, the password raw and decoded', () => {
    expect(masked(' http://bot:pa%23ss@proxy:3128 ')).toEqual([
      'http://bot:pa%23ss@proxy:3128',
      'bot:pa%23ss',
      'pa%23ss',
      'pa#ss'
    ])
  })

  test('a malformed value too: everything up to the last "@" is user info', () => {
    expect(masked('http://bot:Pa55#w0rd@proxy:3128')).toEqual([
      'http://bot:Pa55#w0rd@proxy:3128',
      'bot:Pa55#w0rd',
      'Pa55#w0rd'
    ])
    expect(masked('bot:S3cret@proxy:3128')).toEqual([
      'bot:S3cret@proxy:3128',
      'bot:S3cret',
      'S3cret'
    ])
    expect(masked('http://bot:bad%zz@proxy')).toContain('bad%zz')
  })

  test('nothing to mask without user info', () => {
    expect(masked('http://proxy:3128')).toEqual([])
    expect(masked('http://@proxy:3128')).toEqual([])
  })
})

describe('readProxySettings', () => {
  function read(env: Record<string, string | undefined>) {
    const secrets: string[] = []
    const settings = readProxySettings(env, secret => secrets.push(secret))
    return { settings, secrets }
  }

  test('no variable: direct connections', () => {
    expect(read({}).settings).toBeUndefined()
    expect(read({ HTTPS_PROXY: '', HTTP_PROXY: '  ' }).settings).toBeUndefined()
  })

  test.each([
    [{ HTTPS_PROXY: 'http://a:1' }, 'HTTPS_PROXY', 'http://a:1/'],
    [{ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' }, 'https_proxy', 'http://a:1/'],
    [{ HTTP_PROXY: 'http://c:3' }, 'HTTP_PROXY', 'http://c:3/'],
    [{ http_proxy: 'http://c:3', HTTP_PROXY: 'http://d:4' }, 'http_proxy', 'http://c:3/'],
    [{ HTTPS_PROXY: 'http://a:1', HTTP_PROXY: 'http://c:3' }, 'HTTPS_PROXY', 'http://a:1/'],
    // As undici: a set lowercase variable hides the uppercase one, even when empty.
    [
      { https_proxy: '', HTTPS_PROXY: 'http://b:2', HTTP_PROXY: 'http://c:3' },
      'HTTP_PROXY',
      'http://c:3/'
    ],
    [{ HTTPS_PROXY: '  http://a:1\n' }, 'HTTPS_PROXY', 'http://a:1/']
  ])('%j: the proxy from %s', (env, variable, url) => {
    expect(read(env).settings).toEqual({ variable, url })
  })

  test('only the variable that applies is checked; every one is masked', () => {
    const { settings, secrets } = read({
      HTTPS_PROXY: 'http://bot:good@a:1',
      HTTP_PROXY: 'http://bot:Bad#Pass@b:2'
    })
    expect(settings).toEqual({ variable: 'HTTPS_PROXY', url: 'http://bot:good@a:1/' })
    expect(secrets).toEqual(expect.arrayContaining(['good', 'Bad#Pass']))
  })

  test('the variable that applies, when malformed: an error naming it, after masking', () => {
    const secrets: string[] = []
    expect(() =>
      readProxySettings({ https_proxy: 'http://bot:Pa55#w0rd@a:1' }, secret => secrets.push(secret))
    ).toThrow(/^Environment variable https_proxy: /)
    expect(secrets).toContain('Pa55#w0rd')
  })

  test('the normalised URL is masked too (it encodes the password differently)', () => {
    const { secrets } = read({ HTTPS_PROXY: 'http://bot:p@ss@a:1' })
    expect(secrets).toEqual(expect.arrayContaining(['p@ss', 'p%40ss', 'http://bot:p%40ss@a:1/']))
  })
})

describe('proxyVariableOf', () => {
  test('unmarked errors are not the proxy’s', () => {
    expect(proxyVariableOf(new Error('x'))).toBeUndefined()
    expect(proxyVariableOf(undefined)).toBeUndefined()
    expect(proxyVariableOf('text')).toBeUndefined()
  })

  test('a marked error, or one that has it as its cause (as undici wraps them)', () => {
    const error = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT'
    })
    markAsProxyFailure(error, 'HTTPS_PROXY')
    expect(proxyVariableOf(error)).toBe('HTTPS_PROXY')
    expect(proxyVariableOf(new Error('wrapped', { cause: error }))).toBe('HTTPS_PROXY')
    // Marked once: a later mark does not rename it.
    markAsProxyFailure(error, 'HTTP_PROXY')
    expect(proxyVariableOf(error)).toBe('HTTPS_PROXY')
  })
})
