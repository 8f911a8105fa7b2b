/**
 * Small pure helpers the stand-in's modules share: header values, RFC 3986 encoding as Alibaba
 * signs, constant-time comparison, RequestIds and random identifiers.
 */
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto'

/** @param {string | string[] | undefined} value */
export function headerValue(value) {
  return Array.isArray(value) ? value.join(',') : value
}

/** RFC 3986 as Alibaba signs: only A-Z a-z 0-9 - _ . ~ stay literal. @param {string} value */
export function percentEncode(value) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** Constant-time comparison of two signatures. @param {string} a @param {string} b */
export function safeEqual(a, b) {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function newRequestId() {
  return randomUUID().toUpperCase()
}

/** @param {number} length */
export function randomLowerAlnum(length) {
  return randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', length)
}

/** @param {number} length */
export function randomAlnum(length) {
  return randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length)
}

/** @param {string} alphabet @param {number} length */
function randomFrom(alphabet, length) {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}
