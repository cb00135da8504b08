import { fakeCiphertext } from '../src/ciphertext.js'

test('looks like a KMS ciphertext, is stable, and changes with the version and value', () => {
  const blob = fakeCiphertext('arn:x', 1, 'hunter2')
  expect(blob).toMatch(/^AQICAH[A-Za-z0-9+/=]+$/)
  expect(blob.length).toBeGreaterThan(100)
  expect(fakeCiphertext('arn:x', 1, 'hunter2')).toBe(blob)
  expect(fakeCiphertext('arn:x', 2, 'hunter2')).not.toBe(blob)
  expect(fakeCiphertext('arn:x', 1, 'hunter3')).not.toBe(blob)
})

test('never contains the plain value, even a one-character one', () => {
  for (const value of ['A', 'Q', 'a', '0', '+', 'ab', 'AQICAH', 'hunter2']) {
    for (let version = 1; version < 20; version++) {
      expect(fakeCiphertext('arn:x', version, value)).not.toContain(value)
    }
  }
})
