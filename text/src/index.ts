// Public entry point (`#text`) of the text-understanding engine (pure: no database, network or model):
// how Chinese business text — numbers, remarks, chat orders, addresses, repair files — is read, for
// order-link and every other part alike. Import it by that name; its other files are its own.
export { parseChatDraft, isPersonName } from './chat-draft.js';
export type { ChatDraft, ChatDraftContext, DraftItem, KnownCustomer, CatalogEntry } from './chat-draft.js';
export { interpretRemark, remarkValues } from './remark.js';
export type { RemarkInterpretation, RemarkValues, RemarkField, Priority, Attachment, Purpose, DeliveryConstraint } from './remark.js';
export type { Field, Span, Evidence, Unresolved, UnresolvedReason } from './fields.js';
export { loadLexicon, defaultLexicon, normalizeText, LexiconError, LEXICON_DIR } from './lexicon.js';
export type { Lexicon } from './lexicon.js';
export { openRepairFile, RepairReader, RepairReadError, detectEncoding } from './repair-reader.js';
export type { RepairRow, RepairProgress, RepairReaderOptions, RepairReadErrorCode, CellFlag } from './repair-reader.js';
export { parseNumeral, findQuantities, findDurations, NUMERAL } from './numbers.js';
export type { QuantityMatch, DurationMatch } from './numbers.js';
export { resolveDeliveryHint } from './delivery-date.js';
export type { DeliveryDate } from './delivery-date.js';
export { readCall, splitTurns, CALL_INTENTS } from './call-intents.js';
export type { CallReading, CallIntentReading, CallIntentKind, IntentEvidence, SetAside, Turn } from './call-intents.js';
export { findDocumentRefs } from './document-refs.js';
export type { DocumentRef } from './document-refs.js';
