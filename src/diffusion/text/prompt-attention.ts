/**
 * AUTOMATIC1111's emphasis syntax: "(word)" multiplies the attention to "word" by 1.1, "[word]" divides it by
 * 1.1, "(word:1.3)" sets it to 1.3 (nesting multiplies), "\(" is a literal bracket, and "BREAK" separates
 * chunks. Parsing gives text fragments with their weights, runs of equal weight merged.
 */

export interface WeightedFragment {
  text: string;
  weight: number;
  /** True for a BREAK marker (text "BREAK"). */
  isBreak?: boolean;
}

const ROUND_MULTIPLIER = 1.1;
const SQUARE_MULTIPLIER = 1 / 1.1;
// Escapes, brackets, ":weight)" closers, plain text runs, and a lone ":".
const TOKEN = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/g;
const BREAK = /\s*\bBREAK\b\s*/s;

export function parsePromptAttention(text: string): WeightedFragment[] {
  const result: WeightedFragment[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiplyFrom = (start: number, multiplier: number) => {
    for (let i = start; i < result.length; i++) result[i]!.weight *= multiplier;
  };

  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const weight = match[1];
    if (token.startsWith('\\')) result.push({ text: token.slice(1), weight: 1 });
    else if (token === '(') round.push(result.length);
    else if (token === '[') square.push(result.length);
    else if (weight !== undefined && round.length > 0) multiplyFrom(round.pop()!, Number(weight));
    else if (token === ')' && round.length > 0) multiplyFrom(round.pop()!, ROUND_MULTIPLIER);
    else if (token === ']' && square.length > 0) multiplyFrom(square.pop()!, SQUARE_MULTIPLIER);
    else {
      token.split(BREAK).forEach((part, i) => {
        if (i > 0) result.push({ text: 'BREAK', weight: -1, isBreak: true });
        result.push({ text: part, weight: 1 });
      });
    }
  }
  // Unclosed brackets still apply to everything after them.
  for (const start of round) multiplyFrom(start, ROUND_MULTIPLIER);
  for (const start of square) multiplyFrom(start, SQUARE_MULTIPLIER);
  if (result.length === 0) return [{ text: '', weight: 1 }];

  const merged: WeightedFragment[] = [result[0]!];
  for (const fragment of result.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (last.weight === fragment.weight && !last.isBreak && !fragment.isBreak) last.text += fragment.text;
    else merged.push({ ...fragment });
  }
  return merged;
}
