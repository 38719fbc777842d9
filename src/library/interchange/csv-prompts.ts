/** A CSV of prompts (with optional settings) -> checked rows, each bad one rejected with its line. */
import { parseCsv } from './csv.js';
import { importedTextProblem, MAX_SEED, parseSeed } from './parameters.js';
import type { PresetParameters } from '../stored-parameters.js';
import { LIMITS } from '../../generation/request-limits.js';

/** A prompt from a CSV row, with the settings it came with (null where the row leaves a column empty). */
export interface PromptRow extends PresetParameters {
  line: number;
  prompt: string;
}

export interface RejectedRow {
  line: number;
  /** What kind of problem, for grouping in a summary ("bad seed"). */
  reason: string;
  /** The particulars ('"abc" is not an integer in 0..2^64-1'). */
  detail: string;
}

export type CsvRow = { ok: true; row: PromptRow } | { ok: false; rejected: RejectedRow };

/** Header names accepted for each column (case and surrounding spaces ignored). */
const COLUMNS = {
  prompt: ['prompt', 'positive_prompt', 'text'],
  negativePrompt: ['negative_prompt', 'negative prompt', 'negative', 'negativeprompt'],
  seed: ['seed'],
  width: ['width'],
  height: ['height'],
  steps: ['steps'],
  guidanceScale: ['cfg', 'cfg_scale', 'cfg scale', 'guidance', 'guidance_scale', 'guidancescale'],
} as const;
type Column = keyof typeof COLUMNS;

/**
 * The ranges `generate` accepts, from the request policy itself, so that a prompt imported with its settings
 * can be run as it is. A value outside them rejects the row rather than being silently dropped.
 */
const { size: SIZE, steps: STEPS, guidanceScale: GUIDANCE } = LIMITS;

export class CsvHeaderError extends Error {}

/**
 * A CSV of prompts -> one result per data row. The header must name a `prompt` column; seed, width, height,
 * steps, cfg and negative_prompt are optional, other columns are ignored. Throws CsvHeaderError only when the
 * header itself is unusable; every bad row comes back as a rejection with its line number.
 */
export function* readPromptCsv(text: string): Generator<CsvRow> {
  const records = parseCsv(text);
  const first = records.next();
  if (first.done) throw new CsvHeaderError('the file is empty (expected a header row with a "prompt" column)');
  const header = first.value.fields.map((name) => name.trim().toLowerCase());
  const index = {} as Record<Column, number>;
  for (const column of Object.keys(COLUMNS) as Column[]) {
    index[column] = header.findIndex((name) => (COLUMNS[column] as readonly string[]).includes(name));
  }
  if (index.prompt < 0) throw new CsvHeaderError(`the header row has no "prompt" column (found: ${header.join(', ') || 'nothing'})`);

  for (const record of records) {
    const reject = (reason: string, detail: string): CsvRow => ({ ok: false, rejected: { line: record.line, reason, detail } });
    if (record.error) {
      yield reject('malformed CSV', record.error);
      continue;
    }
    if (record.fields.length !== header.length) {
      yield reject('wrong number of fields', `${record.fields.length} fields, the header has ${header.length}`);
      continue;
    }
    // Line breaks inside quoted cells are kept, as \n whatever the file used (Excel writes CRLF).
    const cell = (column: Column): string => (index[column] < 0 ? '' : record.fields[index[column]]!.trim().replace(/\r\n?/g, '\n'));
    const prompt = cell('prompt');
    if (prompt === '') {
      yield reject('empty prompt', 'the prompt column is empty');
      continue;
    }
    const problems: Array<[string, string]> = [];
    const textProblem = importedTextProblem({ prompt, negativePrompt: cell('negativePrompt') });
    if (textProblem) problems.push([textProblem.reason, textProblem.detail]);
    const seedText = cell('seed');
    const seed = seedText === '' ? null : parseSeed(seedText);
    if (seedText !== '' && seed === null) problems.push(['bad seed', `seed "${seedText}" is not an integer in 0..${MAX_SEED}`]);
    const width = readInteger(cell('width'), 'width', SIZE, problems);
    const height = readInteger(cell('height'), 'height', SIZE, problems);
    const steps = readInteger(cell('steps'), 'steps', STEPS, problems);
    const guidanceScale = readGuidance(cell('guidanceScale'), problems);
    if (problems.length > 0) {
      yield reject(problems[0]![0], problems.map(([, detail]) => detail).join('; '));
      continue;
    }
    yield { ok: true, row: { line: record.line, prompt, negativePrompt: cell('negativePrompt'), seed, width, height, steps, guidanceScale } };
  }
}

function readInteger(text: string, name: string, range: { min: number; max: number; multipleOf?: number }, problems: Array<[string, string]>): number | null {
  if (text === '') return null;
  const value = Number(text);
  const ok = /^\d+$/.test(text) && value >= range.min && value <= range.max && (!range.multipleOf || value % range.multipleOf === 0);
  if (ok) return value;
  const multiple = range.multipleOf ? `a multiple of ${range.multipleOf} ` : '';
  problems.push([`bad ${name}`, `${name} "${text}" is not ${multiple}in ${range.min}..${range.max}`]);
  return null;
}

function readGuidance(text: string, problems: Array<[string, string]>): number | null {
  if (text === '') return null;
  const value = Number(text);
  if (/^\d+(\.\d+)?$/.test(text) && value >= GUIDANCE.min && value <= GUIDANCE.max) return value;
  problems.push(['bad cfg', `cfg "${text}" is not a number in ${GUIDANCE.min}..${GUIDANCE.max}`]);
  return null;
}
