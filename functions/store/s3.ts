import { S3Client } from '@aws-sdk/client-s3';
import { onResetClients } from './config.ts';

let s3: S3Client | undefined;
onResetClients(() => (s3 = undefined));

/** The S3 client: path-style against the local S3 server, virtual-hosted in AWS. */
export function s3Client(): S3Client {
  s3 ??= new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });
  return s3;
}
