/** Seeds live in DECIMAL(20,0) columns (unsigned 64-bit exceeds bigint); Prisma hands them over as Decimal. */
export function seedFromDecimal(value: { toFixed(): string }): bigint {
  return BigInt(value.toFixed());
}

export function seedToDecimalString(seed: bigint): string {
  return seed.toString();
}
