import { createHash } from 'node:crypto'

/**
 * What a SecureString looks like read without decryption: a base64 blob shaped like a KMS ciphertext
 * (they start `AQICAH`), stable for a given parameter version, and guaranteed not to contain the plain value,
 * so a test can assert that an undecrypted read never leaks it.
 */
export const fakeCiphertext = (arn: string, version: number, value: string): string => {
  const digest = (salt: number) => createHash('sha256').update(`${salt}\0${arn}\0${version}\0${value}`).digest()
  let blob = `AQICAH${Buffer.concat([digest(0), digest(1), digest(2)]).toString('base64')}`
  // Short values could occur in any random base64 text by chance: cut them out (the blob only gets shorter).
  while (value.length > 0 && blob.includes(value)) blob = blob.split(value).join('')
  return blob
}
