/** The part of aws4 (1.13.2, CommonJS, no types of its own) that ./sigv4.ts calls. */
declare module 'aws4' {
  interface Request {
    service?: string;
    region?: string;
    method?: string;
    host?: string;
    path?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    extraHeadersToIgnore?: Record<string, boolean>;
    extraHeadersToInclude?: Record<string, boolean>;
  }
  interface Credentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }
  const aws4: { sign<R extends Request>(request: R, credentials?: Credentials): R & { headers: Record<string, string | number> } };
  export default aws4;
}
