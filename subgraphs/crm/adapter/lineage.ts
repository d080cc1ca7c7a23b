// Where the crm subgraph's fields come from: CRM API endpoints and JSON paths as datasource.ts reads them.
import { declareLineage } from '../../../common/src/lineage.js';

const TICKETS = 'POST /crm/api/tickets/search';

export const crmLineage = declareLineage({ subgraph: 'crm', module: 'subgraphs/crm/adapter/datasource.ts', system: 'CRM' }, {
  Customer: {
    endpoint: 'GET /crm/api/customers',
    fields: {
      code: 'result[].custCode',
      level: { from: 'result[].levelCode', transform: 'CODE_MAP', note: '1 NORMAL · 2 SILVER · 3 GOLD · 4 DIAMOND' },
      tags: { from: 'result[].tagList', transform: 'PARSED', note: 'split at , ， 、 ; ；, trimmed' },
      satisfaction: 'result[].satisfaction',
    },
  },
  Order: {
    endpoint: TICKETS,
    fields: { erpOrderNo: { from: 'result[].orderRef', note: 'the key the tickets are searched by' }, tickets: { from: 'result[].orderRef', transform: 'DERIVED', note: 'the tickets whose orderRef is the order' } },
  },
  ServiceTicket: {
    endpoint: TICKETS,
    fields: {
      ticketNo: 'result[].ticketId',
      type: { from: 'result[].type', transform: 'CODE_MAP' },
      status: { from: 'result[].status', transform: 'CODE_MAP' },
      title: 'result[].title',
      openedAt: { from: 'result[].createdAt', transform: 'EPOCH_MS_TO_INSTANT' },
      closedAt: { from: 'result[].closedAt', transform: 'EPOCH_MS_TO_INSTANT' },
      satisfaction: 'result[].satisfaction',
      transcript: { from: 'result[].transcript', transform: 'DERIVED' },
    },
  },
  TranscriptEntry: {
    endpoint: TICKETS,
    fields: {
      speaker: { from: 'result[].transcript[].from', transform: 'CODE_MAP', note: 'customer → CUSTOMER, agent → AGENT' },
      at: { from: 'result[].transcript[].at', transform: 'EPOCH_MS_TO_INSTANT' },
      text: 'result[].transcript[].text',
    },
  },
});
