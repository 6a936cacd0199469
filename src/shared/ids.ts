import { randomBytes } from 'node:crypto';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const poolSize = 16 * 1024;
let pool = randomBytes(poolSize);
let offset = 0;

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
const bytes = Buffer.alloc(16);
const text = Buffer.alloc(36);

/** The millisecond and 12-bit sequence of the last id made; later ids sort after it. */
let lastAt = 0;
let sequence = 0;

/**
 * A UUIDv7: time-ordered, so new rows land at the end of the primary-key index. Ids made by this
 * process sort in the order they were made, as RFC 9562 (6.2, method 1) describes: within one
 * millisecond, or when `at` goes back (another clock), the 12 bits after the time count up from a
 * random start below 2,048, and the time moves on a millisecond when they run out. Lists ordered by
 * id are then in creation order, which random bits alone do not give within a millisecond. The
 * rest comes from a pooled buffer (one system call per 1,600 ids), and the id is written into one
 * buffer and decoded once, so it is a single flat string: joining slices would make a tree of
 * string pieces, several times the size, for every id a bulk sync holds.
 */
export function newId(at: number = Date.now()): string {
  if (offset + 10 > poolSize) {
    pool = randomBytes(poolSize);
    offset = 0;
  }
  if (at > lastAt) {
    lastAt = at;
    sequence = pool.readUInt16BE(offset) & 0x7ff;
  } else if (sequence < 0xfff) {
    sequence += 1;
  } else {
    lastAt += 1;
    sequence = 0;
  }
  pool.copy(bytes, 8, offset + 2, offset + 10);
  offset += 10;
  bytes.writeUIntBE(lastAt, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
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
