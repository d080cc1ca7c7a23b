// The manifests of trusted documents: GraphQL Code Generator's persisted-documents.json,
// {"sha256:<hex>": "<document>"}, one per app. The gateway runs only what they register (see
// gateway/src/trusted-documents.ts); the pages' build tools and the tests look operations up in them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Reads the manifests into hash (hex, as APQ sends it) → document. A manifest whose key is not the
 * SHA-256 of its document is refused: the gateway would otherwise run a text the client never hashed.
 */
export function readManifests(paths: string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`TRUSTED_DOCUMENTS_MANIFESTS: ${path} does not exist (run npm run codegen, or list the app's persisted-documents.json)`);
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new Error(`TRUSTED_DOCUMENTS_MANIFESTS: ${path} is not JSON`);
    }
    if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error(`TRUSTED_DOCUMENTS_MANIFESTS: ${path} must map "sha256:<hex>" to a document`);
    for (const [key, text] of Object.entries(manifest)) {
      const hash = key.replace(/^sha256:/, '');
      if (typeof text !== 'string' || sha256(text) !== hash) throw new Error(`TRUSTED_DOCUMENTS_MANIFESTS: in ${path}, ${key} is not the SHA-256 of its document`);
      documents.set(hash, text);
    }
  }
  return documents;
}

/** The registered hash of an operation, by name (for examples and tests). */
export function registeredHash(documents: Map<string, string>, operationName: string): string | undefined {
  const declares = new RegExp(`\\b(query|mutation|subscription)\\s+${operationName}\\b`);
  for (const [hash, text] of documents) if (declares.test(text)) return hash;
  return undefined;
}
