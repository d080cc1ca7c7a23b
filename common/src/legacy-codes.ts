// Legacy numeric codes → domain enums. An unknown code is a data error worth a loud failure, not a
// silent default.
export function decode<T extends string>(system: string, field: string, table: Record<number | string, T>, code: number | string): T {
  const value = table[code];
  if (value === undefined) throw new Error(`${system}: unknown ${field} code ${JSON.stringify(code)}`);
  return value;
}
