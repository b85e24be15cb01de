// The API key must never leave in anything we print or write: a job under `mkr wrap` that prints its
// environment, or a server that echoes the request, would otherwise put it into a check message, a
// spool file or a log line. Every such text goes through maskSecret() first.

/** Shown instead of the key. */
export const MASK = '[API key hidden]'

/**
 * Keys shorter than this are not masked: no real Mackerel key is that short, and masking a short
 * word (the sandbox's "sandbox") would garble ordinary text.
 */
export const MIN_MASKED_LENGTH = 8

/** `text` with every occurrence of `secret` replaced by MASK. */
export function maskSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < MIN_MASKED_LENGTH || !text.includes(secret)) return text
  return text.replaceAll(secret, MASK)
}
