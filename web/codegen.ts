// GraphQL Code Generator for the web pages: the client preset types every operation in
// web/src/operations/*.graphql from the graph's API schema (web/api-schema.graphql, written by
// npm run compose) and writes the trusted-documents manifest, persisted-documents.json (sha256 →
// document), which the gateway reads. Output: web/src/gql/ (generated; `npm run codegen`).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  overwrite: true,
  schema: 'web/api-schema.graphql',
  documents: 'web/src/operations/*.graphql',
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: {
        // Operations are plain .graphql files: nothing to unmask, every result typed as asked.
        fragmentMasking: false,
        // The hash (sha256 of the document text, as Apollo's APQ computes it) travels instead of the text.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { DateTime: 'string', Date: 'string', Money: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
