import { createHash, createHmac } from 'node:crypto';

/**
 * SHA-256 and HMAC-SHA256 over node:crypto, in the shape @smithy/signature-v4 asks for (its
 * `sha256` option): every SigV4 signature the hub makes (DynamoDB, S3, Secrets Manager) uses it,
 * so no bundle carries the SDK's JavaScript fallback implementation.
 */
export class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

function toBuffer(d: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}
