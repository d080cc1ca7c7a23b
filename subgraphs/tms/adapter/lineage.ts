// Where the tms subgraph's fields come from: TMS API endpoints and JSON paths as datasource.ts reads them.
import { declareLineage } from '../../../common/src/lineage.js';

const B2I = 'BEIJING_TIME_TO_INSTANT' as const;
const WAYBILLS = 'POST /api/v1/waybill/batchQuery (or queryByRef)';

export const tmsLineage = declareLineage({ subgraph: 'tms', module: 'subgraphs/tms/adapter/datasource.ts', system: 'TMS' }, {
  Shipment: {
    endpoint: WAYBILLS,
    fields: {
      waybillNo: 'data[].waybillNo',
      carrier: { from: 'data[].carrierCode', transform: 'CODE_MAP', note: 'SF 顺丰速运 · JD 京东物流 · ZTO 中通快递 · DB 德邦物流' },
      status: { from: 'data[].status', transform: 'CODE_MAP', note: '0 CREATED · 10 COLLECTED · 20 IN_TRANSIT · 30 OUT_FOR_DELIVERY · 40 SIGNED · 50 EXCEPTION · 60 RETURNED' },
      customerReference: 'data[].customerRef',
      consignee: 'data[].consignee',
      destinationCity: 'data[].destCity',
      weightKg: 'data[].weightKg',
      createdAt: { from: 'data[].createTime', transform: B2I },
      updatedAt: { from: 'data[].updateTime', transform: B2I },
      events: { from: 'data[].tracks', transform: 'DERIVED', note: 'oldest first' },
      exception: { from: 'data[].exception', transform: 'DERIVED', note: 'null when there is none' },
    },
  },
  Carrier: {
    endpoint: WAYBILLS,
    transform: 'CODE_MAP',
    fields: { code: { from: 'data[].carrierCode', transform: 'AS_IS' }, name: { from: 'data[].carrierCode', note: 'the carrier’s name, from the code' } },
  },
  TrackingEvent: {
    endpoint: WAYBILLS,
    fields: {
      code: { from: 'data[].tracks[].opCode', transform: 'CODE_MAP' },
      at: { from: 'data[].tracks[].opTime', transform: B2I },
      city: 'data[].tracks[].opCity',
      description: 'data[].tracks[].opDesc',
    },
  },
  ShipmentException: {
    endpoint: WAYBILLS,
    fields: { type: 'data[].exception.code', description: 'data[].exception.desc', delayMinutes: 'data[].exception.delayMinutes' },
  },
});
