import { randomFillSync } from 'node:crypto';

/** The highest value of the 12-bit counter that keeps ids ordered inside one millisecond. */
const COUNTER_MAX = 0xfff;

let lastMillis = -1;
let counter = 0;
const randomBytes = new Uint8Array(8);

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/**
 * A time-ordered UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a
 * 12-bit counter (RFC 9562 §6.2 method 1) seeded randomly each millisecond so ids made
 * by this process sort in creation order even within one millisecond, then 62 random bits.
 * When the counter runs out, or the clock steps back, the timestamp borrows from the future
 * rather than break the order.
 */
export function uuidv7(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    // Seed in the lower half so a burst in one millisecond has room to count up.
    counter = Math.floor(Math.random() * (COUNTER_MAX >> 1));
  } else if (counter < COUNTER_MAX) {
    counter += 1;
  } else {
    lastMillis += 1;
    counter = 0;
  }
  randomFillSync(randomBytes);
  const variantByte = ((randomBytes[0] ?? 0) & 0x3f) | 0x80;
  const tail = Array.from(randomBytes.subarray(1), (byte) => hex(byte, 2)).join('');
  const time = hex(lastMillis, 12);
  return [
    time.slice(0, 8),
    time.slice(8, 12),
    `7${hex(counter, 3)}`,
    `${hex(variantByte, 2)}${tail.slice(0, 2)}`,
    tail.slice(2, 14),
  ].join('-');
}

const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuidV7(value: unknown): value is string {
  return typeof value === 'string' && UUID_V7_PATTERN.test(value);
}

/** The creation time encoded in a UUID v7. */
export function uuidv7Timestamp(id: string): Date {
  return new Date(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any RFC 9562 textual UUID (ids from clients are checked with this before they reach SQL). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
