// The graph's custom scalars are strings on the wire. Values are produced already canonical by the
// datasources (time.ts, money.ts); inputs are validated where they are used, so that a bad value
// gets a BAD_USER_INPUT with a message naming the argument, not a generic validation failure.
import { GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';

function stringScalar(name: string, description: string) {
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: (value) => {
      if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
      return value;
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new TypeError(`${name} must be a string`);
      return ast.value;
    },
  });
}

export const DateTimeScalar = stringScalar('DateTime', 'ISO 8601 instant with offset');
export const DateScalar = stringScalar('Date', 'Calendar date YYYY-MM-DD');
export const MoneyScalar = stringScalar('Money', 'Exact CNY amount as a decimal string');

/** Any JSON value, passed through; whoever takes it validates it (rule parameters: per kind). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
