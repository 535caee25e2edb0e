/**
 * Structured logs: one JSON object per line on stdout (CloudWatch Logs in Lambda), with level,
 * time, service and the per-request keys. Request and response bodies are never logged.
 *
 * Why not @aws-lambda-powertools/logger: it is 23 KB of every bundle (the Lambda bundle budget
 * is 300 KB, see test/infra/bundles.test.ts) and its appended keys outlive a request in a warm
 * Lambda; here a request's keys live on its own child logger.
 */
export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
const ORDER: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

function threshold(): number {
  const level = (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as Level;
  return ORDER[level] ?? ORDER.INFO;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export class Log {
  constructor(private readonly keys: Readonly<Record<string, unknown>>) {}

  /** A logger that adds these keys to every line (e.g. one per request). */
  child(keys: Record<string, unknown>): Log {
    return new Log({ ...this.keys, ...keys });
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('DEBUG', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('INFO', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('WARN', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('ERROR', message, fields);
  }

  private write(level: Exclude<Level, 'SILENT'>, message: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < threshold()) return;
    const entry: Record<string, unknown> = { level, message, timestamp: new Date().toISOString(), ...this.keys };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) entry[k] = serialise(v);
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  }
}

export const log = new Log({ service: process.env.POWERTOOLS_SERVICE_NAME ?? 'commission-east-hub' });
