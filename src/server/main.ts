/**
 * CLI of the local server (bundled to dist/server.js):
 *   node dist/server.js [--port N] [--host 127.0.0.1|::1|localhost] [--api-key KEY]
 *                       [--read-only-key KEY] [--seed file.json] [--latency ms]
 * The key comes from --api-key, else the AYMARA_LOCAL_API_KEY environment variable, else "demo-key".
 * Only the demo key is ever printed. Stops on SIGINT/SIGTERM.
 */
import { DEFAULT_API_KEY, LOOPBACK_HOSTS, loadSeedFile, startServer, type LoopbackHost, type StartServerOptions } from './index';

const USAGE = `Usage: node dist/server.js [--port N] [--host 127.0.0.1|::1|localhost] [--api-key KEY]
                          [--read-only-key KEY] [--seed file.json] [--latency ms]

A local stand-in for the Aymara API, for tests and demos. Its scores come from a simple
deterministic judge, not from Aymara. Loopback addresses only.
The API key is --api-key, else $AYMARA_LOCAL_API_KEY, else "${DEFAULT_API_KEY}".`;

class UsageError extends Error {}

interface Parsed {
  options: StartServerOptions;
  keySource: 'default' | 'flag' | 'env';
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  const options: StartServerOptions = { port: 0 };
  let keySource: Parsed['keySource'] = 'default';
  const number = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new UsageError('');
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port':
        options.port = number(name, value(), 0, 65535);
        break;
      case '--host': {
        const h = value();
        if (!(LOOPBACK_HOSTS as readonly string[]).includes(h)) throw new UsageError(`--host must be one of ${LOOPBACK_HOSTS.join(', ')} (loopback only), got "${h}"`);
        options.host = h as LoopbackHost;
        break;
      }
      case '--api-key':
        options.apiKey = value();
        if (!options.apiKey) throw new UsageError('--api-key must not be empty');
        keySource = 'flag';
        break;
      case '--read-only-key':
        options.readOnlyApiKey = value();
        break;
      case '--seed':
        options.seed = loadSeedFile(value());
        break;
      case '--latency':
        options.latencyMs = number(name, value(), 0, 600_000);
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (keySource === 'default' && env.AYMARA_LOCAL_API_KEY) {
    options.apiKey = env.AYMARA_LOCAL_API_KEY;
    keySource = 'env';
  }
  return { options, keySource };
}

async function main(): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) process.stderr.write(`server: ${err.message}\n\n`);
      process.stderr.write(`${USAGE}\n`);
      process.exit(err.message ? 2 : 0);
    }
    process.stderr.write(`server: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const server = await startServer(parsed.options);
  const keyNote =
    parsed.keySource === 'env'
      ? 'API key from AYMARA_LOCAL_API_KEY'
      : parsed.keySource === 'flag'
        ? 'API key from --api-key'
        : `API key: ${DEFAULT_API_KEY}`;
  process.stdout.write(`Aymara local server listening on ${server.url} (${keyNote})\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`server: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
