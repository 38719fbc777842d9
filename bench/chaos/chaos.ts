/**
 * npm run chaos -- [--trials N] [--database embedded|postgres] [--nodes all | api:1,worker:2] [--seed S]
 *                  [--jobs N] [--kills N] [--deadline-s S] [--heartbeat-ms MS] [--keep]
 *
 * Fault injection on real processes: each trial starts the nodes on fresh state, submits random work over
 * GraphQL, SIGKILLs random nodes at random moments and starts them again, waits for every accepted job to
 * end, then checks the database and the image files (trial.ts says what counts). Prints a line per trial,
 * the totals as a Markdown table for RELIABILITY.md and one JSON line; exits 1 when any trial lost a job,
 * ran one twice, damaged an image or left what the sweep does not clean.
 */
import { seededRandom } from '../../test/support/seeded-random.js';
import { StateFactory } from './fresh-state.js';
import { describeTopology, parseOptions, UsageError } from './options.js';
import { totals, totalsTable, trialLine } from './report.js';
import { isFailure, runTrial, type TrialResult } from './trial.js';
import { makeRecipes } from './workload.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const setting = `--database ${options.database} --nodes ${describeTopology(options.nodes)} --jobs ${options.jobs} --kills ${options.kills} --seed ${options.seed}`;
  console.log(`chaos: ${options.trials} trials, ${setting}${options.redisUrl ? ' (Redis)' : ''}`);
  const factory = await StateFactory.create(options.database, options.postgresUrl);
  const recipes = makeRecipes(seededRandom(options.seed));
  const references = new Map<string, string>();
  const results: TrialResult[] = [];
  let failedTrials = 0;
  for (let trial = 1; trial <= options.trials; trial++) {
    try {
      const result = await runTrial(trial, options, factory, recipes, references, options.seed * 100_003 + trial);
      results.push(result);
      console.log(trialLine(result, options.trials));
      if (isFailure(result.counts, result.sweep)) failedTrials++;
      for (const failure of result.counts.failures) console.log(`    ${failure}`);
      if (result.keptAt) console.log(`    kept: ${result.keptAt}`);
    } catch (error) {
      failedTrials++;
      console.log(`trial ${trial}/${options.trials} could not run: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await factory.close(failedTrials === 0 && !options.keep);
  if (failedTrials > 0 || options.keep) console.log(`logs and data of the kept trials: ${factory.root}`);
  const summary = totals(results, failedTrials);
  console.log(`\n${totalsTable(summary, setting)}\n`);
  console.log(JSON.stringify({ chaos: { ...summary, setting, date: new Date().toISOString() } }));
  process.exitCode = failedTrials > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  console.error(error);
  process.exitCode = 1;
});
