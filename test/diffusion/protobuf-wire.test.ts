/** The protobuf wire reader's varints at the edges: int64 negatives and values past 2^53 come out exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeVarint, readVarint } from '../../src/diffusion/model/protobuf-wire.js';

/** An int64's varint bytes, as protobuf writes them (negatives as 10 bytes of 2^64 + v). */
function int64Varint(value: bigint): Uint8Array {
  let rest = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Uint8Array.from(out);
}

test('varints: small, large and negative int64 values, and where each ends', () => {
  for (const value of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 53n - 1n, -1n, -2n, -(2n ** 31n), -(2n ** 53n) + 1n]) {
    const bytes = int64Varint(value);
    assert.deepEqual(readVarint(bytes, 0), [Number(value), bytes.length], `varint of ${value}`);
  }
  assert.equal(int64Varint(-1n).length, 10);
  assert.deepEqual(readVarint(encodeVarint(150), 0), [150, 2]);
  assert.throws(() => readVarint(Uint8Array.from([0x80, 0x80]), 0), /runs past the end/);
  assert.throws(() => readVarint(new Uint8Array(11).fill(0x80), 0), /longer than 10 bytes/);
});
