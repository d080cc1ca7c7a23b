// The benchmark's queries, shared by the gateway and scale benches.

/** Every system's fields of one order: ERP, WMS, TMS and CRM, and the hub's own. */
const WHOLE = `fragment Whole on Order {
  id erpOrderNo wmsOutboundNo tmsWaybillNo status links { system documentNo method confidence } lifecycle { stage reached at }
  orderedAt totalAmount store { name } customer { name grade creditLine level tags }
  lines { quantity amount sku { name spec shelfLifeMonths availableQuantity } }
  outbound { status shippedAt lines { batchNo expiresOn location { floor aisle shelf } sku { name } } }
  shipment { status carrier { name } events { code at } exception { type } }
  tickets { ticketNo }
}`;

/** Q1: one order by ERP number (variables: { id }). */
export const Q1 = `query Q1($id: ID!) { order(id: $id) { ...Whole } } ${WHOLE}`;

/** Q2: a page of 100 orders (variables: { after }, a page's cursor, or none for the first page). */
export const Q2 = `query Q2($after: String) { orders(first: 100, after: $after) { edges { node { ...Whole } } } } ${WHOLE}`;

/** Q3: what a customer's order page shows, by waybill number (variables: { id }), asked as that customer. */
export const Q3 = `query Q3($id: ID!) { order(id: $id) { erpOrderNo status lifecycle { stage reached at } lines { quantity amount sku { name spec } } shipment { carrier { name } events { at description } } } }`;
