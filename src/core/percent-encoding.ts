/**
 * Percent-encoding as Alibaba Cloud's signatures define it, kept at the bottom because redaction
 * (redact.ts) must also recognise a secret in that form wherever it is echoed.
 */

/**
 * RFC 3986 percent-encoding over UTF-8: only `A-Z a-z 0-9 - _ . ~` stay literal, space is `%20`,
 * hex is uppercase. `encodeURIComponent` leaves `! ' ( ) *` literal, so those are added.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}
