import { randomBytes } from 'node:crypto';
import type { Random } from './random.ts';

let counter = 0;

/** A wamid in Meta's style: "wamid." + base64 of a protobuf-like blob naming the user. */
export function newWamid(userKey: string): string {
  counter = (counter + 1) % 0xffffffff;
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(counter);
  const blob = Buffer.concat([
    Buffer.from([0x1c, 0x18, userKey.length & 0xff]),
    Buffer.from(userKey),
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
    buf,
    randomBytes(8),
  ]);
  return 'wamid.' + blob.toString('base64');
}

/** Graph object ids are decimal strings of 15–17 digits. */
export function numericId(rng: Random, length = 15): string {
  return String(rng.int(1, 9)) + rng.digits(length - 1);
}

/** Media ids are random 15–16 digit decimals, unguessable like Meta's. */
export function newMediaId(): string {
  return String(100_000_000_000_000n + (randomBytes(8).readBigUInt64BE() % 900_000_000_000_000n));
}
