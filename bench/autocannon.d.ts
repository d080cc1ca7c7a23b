// autocannon ships no types; the bench uses it through bench/load.ts only.
declare module 'autocannon';
