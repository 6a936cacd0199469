import { randomBytes } from 'node:crypto';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const poolSize = 16 * 1024;
let pool = randomBytes(poolSize);
let offset = 0;

/** 16 random bytes from a pooled buffer: one system call per thousand ids, not one per id. */
function take16(): Buffer {
  if (offset + 16 > poolSize) {
    pool = randomBytes(poolSize);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return bytes;
}

/** A UUIDv7: time-ordered, so new rows land at the end of the primary-key index. */
export function newId(at: number = Date.now()): string {
  const bytes = take16();
  bytes.writeUIntBE(at, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isId(value: string): boolean {
  return uuidShape.test(value);
}
