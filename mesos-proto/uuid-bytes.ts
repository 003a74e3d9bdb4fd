/** Status update uuids travel as 16 raw bytes (base64 in JSON); these convert and validate. */
import { randomUUID } from 'node:crypto';

export function newUuidBase64(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64');
}

/** True when the base64 decodes to 16 bytes of an RFC 4122 UUID, version 1 to 5. */
export function isValidUuidBase64(value: string | undefined): boolean {
  if (!value) return false;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16) return false;
  const version = bytes[6] >> 4;
  const variant = bytes[8] >> 6;
  return version >= 1 && version <= 5 && variant === 0b10;
}

export function uuidBase64ToString(value: string): string {
  const hex = Buffer.from(value, 'base64').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
