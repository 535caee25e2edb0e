import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from '@20minutes/s3rver';
import { freePort } from './dynamodb-local.ts';

/**
 * A real S3 protocol server (s3rver) on loopback, persisted under `directory`. The AWS SDK
 * talks to it over HTTP exactly as it talks to S3 (path-style, credentials S3RVER/S3RVER).
 *
 * s3rver writes an object as three files in place (content, `.md5`, `metadata.json`), so a
 * kill mid-write can leave a half-written or 0-byte one, which then fails every listing of the
 * bucket — HeadBucket included. Here an object is written to side files and renamed into place
 * (content last), so what a kill interrupts is an upload that was never acknowledged and never
 * visible; and `repairS3Directory` clears what older writes left, before the server starts.
 */
export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

const PARTIAL = '.~partial-';
const METADATA = '._S3rver_metadata.json';
const MD5 = '._S3rver_object.md5';

/**
 * Removes what an interrupted write can leave under an s3rver directory: side files of an upload
 * never finished, metadata that is not JSON (a 0-byte file), an md5 that is not one (s3rver
 * recomputes a missing md5 and treats missing metadata as none). Returns the paths it removed.
 */
export function repairS3Directory(directory: string): string[] {
  const removed: string[] = [];
  const visit = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        visit(path);
        continue;
      }
      let broken = name.includes(PARTIAL);
      if (!broken && name.endsWith(METADATA)) {
        try {
          const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
          broken = typeof parsed !== 'object' || parsed === null;
        } catch {
          broken = true;
        }
      }
      if (!broken && name.endsWith(MD5)) broken = !/^[0-9a-f]{32}$/.test(readFileSync(path, 'utf8'));
      if (broken) {
        unlinkSync(path);
        removed.push(path);
        // an md5 beside metadata that was cut short may be as stale: s3rver recomputes it
        if (name.endsWith(METADATA)) rmSync(path.slice(0, -METADATA.length) + MD5, { force: true });
      }
    }
  };
  visit(directory);
  return removed;
}

const { ALLOWED_METADATA } = createRequire(import.meta.url)('@20minutes/s3rver/lib/models/object.js') as { ALLOWED_METADATA: string[] };

interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
}

let partials = 0;

/** s3rver's putObject, but each file written beside its place and renamed into it, content last. */
function atomicPutObject(store: FilesystemStore) {
  return async (object: S3rverObject): Promise<{ size: number; md5: string }> => {
    const final = {
      content: store.getResourcePath(object.bucket, object.key, 'object'),
      md5: store.getResourcePath(object.bucket, object.key, 'object.md5'),
      metadata: store.getResourcePath(object.bucket, object.key, 'metadata.json'),
    };
    const tag = `${PARTIAL}${process.pid}-${++partials}`;
    const side = { content: final.content + tag, md5: final.md5 + tag, metadata: final.metadata + tag };
    await mkdir(dirname(final.content), { recursive: true });
    try {
      const hash = createHash('md5');
      let size = 0;
      const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
      await pipeline(source, new Transform({ transform(chunk: Buffer, _e, done) { hash.update(chunk); size += chunk.length; done(null, chunk); } }), createWriteStream(side.content));
      const md5 = hash.digest('hex');
      const metadata = Object.fromEntries(Object.entries(object.metadata).filter(([k]) => ALLOWED_METADATA.includes(k) || k.startsWith('x-amz-meta-')));
      await writeFile(side.md5, md5);
      await writeFile(side.metadata, JSON.stringify(metadata, null, 2));
      await rename(side.md5, final.md5);
      await rename(side.metadata, final.metadata);
      await rename(side.content, final.content);
      return { size, md5 };
    } catch (e) {
      await Promise.all(Object.values(side).map((p) => unlink(p).catch(() => undefined)));
      throw e;
    }
  };
}

export async function startS3Server(opts: { directory: string; port?: number }): Promise<RunningS3> {
  mkdirSync(opts.directory, { recursive: true });
  const port = opts.port ?? (await freePort());
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: opts.directory,
    allowMismatchedSignatures: true,
    configureBuckets: [],
  });
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.putObject = atomicPutObject(store);
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}
