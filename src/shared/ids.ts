import { randomBytes } from 'node:crypto';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const poolSize = 16 * 1024;
let pool = randomBytes(poolSize);
let offset = 0;

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
const bytes = Buffer.alloc(16);
const text = Buffer.alloc(36);

/**
 * A UUIDv7: time-ordered, so new rows land at the end of the primary-key index. The random part
 * comes from a pooled buffer (one system call per 1,600 ids), and the id is written into one
 * buffer and decoded once, so it is a single flat string: joining slices would make a tree of
 * string pieces, several times the size, for every id a bulk sync holds.
 */
export function newId(at: number = Date.now()): string {
  if (offset + 10 > poolSize) {
    pool = randomBytes(poolSize);
    offset = 0;
  }
  pool.copy(bytes, 6, offset, offset + 10);
  offset += 10;
  bytes.writeUIntBE(at, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let out = 0;
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[out++] = 0x2d;
    const byte = bytes[i] ?? 0;
    text[out++] = hexDigits[byte >> 4] ?? 0;
    text[out++] = hexDigits[byte & 0x0f] ?? 0;
  }
  return text.toString('latin1');
}

export function isId(value: string): boolean {
  return uuidShape.test(value);
}
