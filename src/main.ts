#!/usr/bin/env node
/**
 * Command line entry.
 *   node dist/src/main.js [serve]                      serve the API (default; ATELIER_ROLE: all, api or worker)
 *   node dist/src/main.js worker                       a worker node: serve with ATELIER_ROLE=worker (needs DATABASE_URL)
 *   node dist/src/main.js model:tiny [--out DIR] [--seed N] [--preset tiny|bench] [--family sd1|sdxl] [--lcm | --turbo]
 *   node dist/src/main.js model:tiny --family sd3 [--without-t5] | --family flux [--schnell]   (optimum layout, transformer/)
 *                                    [--inpainting] [--v-prediction] [--fp16] [--float-timestep] [--scalar-timestep]
 *                                    [--external-data model.onnx_data|weights.pb] [--safety-checker]
 *   node dist/src/main.js schema                        print the GraphQL schema (SDL)
 *   node dist/src/main.js import <folder|file.png|file.csv|library.jsonl> [--owner NAME]   add pictures / prompts to the library
 *   node dist/src/main.js export <folder> [--owner NAME]   write the library out (library.jsonl + images/)
 *   node dist/src/main.js keys create NAME [--admin] | list | revoke NAME   accounts and API keys
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runExport, runImport, UsageError } from './cli/import-export.js';
import { runKeys } from './cli/keys.js';
import { ConfigError, loadConfig } from './config.js';
import { writeTinyModel } from './test-models/tiny/write-tiny-model.js';
import { printAppSchema } from './graphql/schema.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/** Serves until SIGINT or SIGTERM, which drain: no more claims, running jobs get ATELIER_DRAIN_MS to finish. */
async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, config.nodeId);
  const server = await startServer(config, logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: config.drainMs }, 'shutting down; jobs still running after the drain are queued again');
    server.close(config.drainMs).then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function tinyModel(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string', default: 'models/tiny' },
      seed: { type: 'string', default: '0' },
      preset: { type: 'string', default: 'tiny' },
      inpainting: { type: 'boolean', default: false },
      'v-prediction': { type: 'boolean', default: false },
      'external-data': { type: 'string' },
      family: { type: 'string', default: 'sd1' },
      lcm: { type: 'boolean', default: false },
      turbo: { type: 'boolean', default: false },
      fp16: { type: 'boolean', default: false },
      'float-timestep': { type: 'boolean', default: false },
      'scalar-timestep': { type: 'boolean', default: false },
      'safety-checker': { type: 'boolean', default: false },
      schnell: { type: 'boolean', default: false },
      'without-t5': { type: 'boolean', default: false },
    },
  });
  const family = values.family;
  if (family === 'sd3' || family === 'flux') {
    const out = path.resolve(values.out!);
    await writeTinyModel(out, { seed: Number(values.seed), family, schnell: values.schnell, withoutT5: values['without-t5'] });
    const kind = family === 'flux' ? `FLUX.1 ${values.schnell ? 'schnell' : 'dev'}` : `SD3${values['without-t5'] ? ' without T5' : ''}`;
    process.stdout.write(`wrote the tiny ${kind} model to ${out}\n`);
    return;
  }
  if (family !== 'sd1' && family !== 'sdxl') throw new Error(`--family must be sd1, sdxl, sd3 or flux, got "${family}"`);
  if (values.schnell || values['without-t5']) throw new Error('--schnell is for --family flux, --without-t5 for --family sd3');
  const preset = values.preset === 'bench' ? 'bench' : 'tiny';
  const out = path.resolve(values.out!);
  const predictionType = values['v-prediction'] ? 'v_prediction' : 'epsilon';
  const externalData = values['external-data'];
  if (externalData !== undefined && externalData !== 'model.onnx_data' && externalData !== 'weights.pb') {
    throw new Error(`--external-data must be model.onnx_data or weights.pb, got "${externalData}"`);
  }
  await writeTinyModel(out, {
    ...{ seed: Number(values.seed), preset, inpainting: values.inpainting, predictionType, externalData, family },
    ...{ lcm: values.lcm, turbo: values.turbo, dtype: values.fp16 ? 'float16' : 'float32' },
    ...{ timestepType: values['float-timestep'] ? 'float32' : 'int64', timestepShape: values['scalar-timestep'] ? 'scalar' : 'batch' },
    safetyChecker: values['safety-checker'],
  });
  const kind = [family, values.lcm && 'LCM', values.turbo && 'Turbo', values.inpainting && 'inpainting', values.fp16 && 'fp16'].filter(Boolean).join(' ');
  process.stdout.write(`wrote the ${preset} ${kind} model (${predictionType})${values['safety-checker'] ? ' with a safety checker' : ''} to ${out}\n`);
}

async function main(): Promise<void> {
  const [command = 'serve', ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
      return serve();
    case 'worker':
      return serve({ ...process.env, ATELIER_ROLE: 'worker' });
    case 'model:tiny':
      return tinyModel(rest);
    case 'schema':
      process.stdout.write(await printAppSchema());
      return;
    case 'import':
      return runImport(loadConfig(process.env, process.cwd(), 'tool'), rest);
    case 'export':
      return runExport(loadConfig(process.env, process.cwd(), 'tool'), rest);
    case 'keys':
      return runKeys(loadConfig(process.env, process.cwd(), 'tool'), rest);
    default:
      throw new Error(`unknown command "${command}"; use serve, model:tiny, schema, import, export or keys`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
