// GraphQL Code Generator: resolver types for each subgraph, from its schema.graphql.
// Output goes to codegen/generated/ (generated, never edited; `npm run codegen` rewrites it).
import type { CodegenConfig } from '@graphql-codegen/cli';

const scalars = { DateTime: 'string', Date: 'string', Money: 'string', JSON: 'unknown' };

/** GraphQL type → the row/DTO the resolver receives (the datasource's domain types). */
const mappers: Record<string, Record<string, string>> = {
  erp: {
    Order: '../../subgraphs/erp/adapter/index.js#SalesOrder',
    OrderLine: '../../subgraphs/erp/adapter/index.js#SalesOrderLine',
    Customer: '../../subgraphs/erp/adapter/index.js#ErpCustomer',
    Sku: '../../subgraphs/erp/adapter/index.js#ErpSku',
    Store: '../../subgraphs/erp/adapter/index.js#ErpStore',
  },
  wms: {
    Outbound: '../../subgraphs/wms/adapter/index.js#OutboundOrder',
    OutboundLine: '../../subgraphs/wms/adapter/index.js#OutboundOrderLine',
    Sku: '../../subgraphs/wms/adapter/index.js#SkuRef',
    StockBatch: '../../subgraphs/wms/adapter/index.js#StockRow',
  },
  tms: {
    Shipment: '../../subgraphs/tms/adapter/index.js#Waybill',
  },
  crm: {
    Customer: '../../subgraphs/crm/adapter/index.js#CrmCustomerRef',
    Order: '../../subgraphs/crm/adapter/index.js#OrderRef',
    ServiceTicket: '../../subgraphs/crm/adapter/index.js#Ticket',
  },
  'order-link': {
    Order: '../../subgraphs/order-link/src/datasource.js#HubOrder',
    PurchasePlan: '../../subgraphs/order-link/src/planning/service.js#PurchasePlan',
    PurchaseSuggestion: '../../subgraphs/order-link/src/planning/service.js#Suggestion',
    DueCustomer: '../../subgraphs/order-link/src/planning/forecast.js#RegularCustomer',
    PurchaseRequisition: '../../subgraphs/erp/adapter/index.js#RaisedRequisition',
    OrderFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    OrderLineFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    DocumentFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    RuleDecisionFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    HoldFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    ScanFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    ReconciliationItemFactConnection: '../../common/src/facts/graphql.js#FactConnectionView',
    UnlinkedDocument: '../../subgraphs/order-link/src/datasource.js#HubUnlinkedDocument',
    DocumentLink: '../../subgraphs/order-link/src/datasource.js#HubLink',
    Rule: '../../subgraphs/order-link/src/rules/store.js#Rule',
    AuditEntry: '../../subgraphs/order-link/src/rules/store.js#AuditEntry',
    RuleDecision: '../../subgraphs/order-link/src/rules/ledger.js#DecisionRecord',
    Hold: '../../subgraphs/order-link/src/rules/ledger.js#HoldRecord',
    ServiceCall: '../../subgraphs/order-link/src/calls/store.js#CallRecord',
    CallAction: '../../subgraphs/order-link/src/calls/store.js#CallActionRecord',
    PriceAdjustment: '../../subgraphs/order-link/src/rules/ledger.js#Adjustment',
    RuleEffect: '../../subgraphs/order-link/src/rules/kinds.js#Effect',
    OutboxMessage: '../../subgraphs/order-link/src/rules/outbox.js#OutboxMessage',
    Blocker: '../../subgraphs/order-link/src/blockers.js#Blocker',
    AttachmentConfirmation: '../../subgraphs/order-link/src/attachments.js#AttachmentConfirmation',
    CustomerBlocker: '../../subgraphs/order-link/src/blockers.js#Blocker',
    DeliveryPromise: '../../subgraphs/order-link/src/blockers.js#PromiseView',
    RuleSimulation: '../../subgraphs/order-link/src/rules/simulation.js#SimulationView',
    SimulatedDecision: '../../subgraphs/order-link/src/rules/simulation.js#SimulatedOrder',
    EvaluateOrderPayload: '../../subgraphs/order-link/src/rules/simulation.js#EvaluationView',
    OrderHealth: '../../subgraphs/order-link/src/health/service.js#HealthView',
    DeliveryHealth: '../../subgraphs/order-link/src/health/service.js#DimensionView',
    InventoryMatchHealth: '../../subgraphs/order-link/src/health/service.js#DimensionView',
    DocumentConsistencyHealth: '../../subgraphs/order-link/src/health/service.js#DimensionView',
    InterceptionHealth: '../../subgraphs/order-link/src/health/service.js#DimensionView',
    SatisfactionHealth: '../../subgraphs/order-link/src/health/service.js#DimensionView',
    HealthTrendPoint: '../../subgraphs/order-link/src/health/metrics.js#DayFigures',
    HealthOrderEdge: '../../subgraphs/order-link/src/health/drill.js#HealthEdge',
    CustomerSatisfaction: '../../subgraphs/order-link/src/health/drill.js#CustomerScore',
    PredictedSatisfaction: '../../subgraphs/order-link/src/health/drill.js#OrderSatisfaction',
    Reconciliation: '../../subgraphs/order-link/src/health/reconciliation.js#ReconciliationView',
    ReconciliationItem: '../../subgraphs/order-link/src/health/reconciliation.js#ReconItem',
    ReconciliationTotal: '../../subgraphs/order-link/src/health/reconciliation.js#ReconTotal',
    DailyReport: '../../subgraphs/order-link/src/health/report.js#ReportRecord',
    ReportDelivery: '../../subgraphs/order-link/src/health/report.js#DeliveryAttempt',
    OrderEvent: '../../subgraphs/order-link/src/events/log.js#OrderEventRow',
    OrderUpdate: '../../subgraphs/order-link/src/events/log.js#OrderUpdateView',
    OrderEventPage: '../../subgraphs/order-link/src/events/log.js#EventPageView',
  },
  fulfilment: {
    Order: '../../subgraphs/order-link/hub.js#HubOrder',
    PackageSeal: '../../subgraphs/fulfilment/src/picking/service.js#SealView',
  },
  intake: {
    Order: '../../subgraphs/order-link/hub.js#HubOrder',
    OrderDraft: '../../subgraphs/intake/src/drafts/service.js#DraftRecord',
    RepairJob: '../../subgraphs/intake/src/repair/store.js#RepairJob',
    RepairChange: '../../subgraphs/intake/src/repair/store.js#RepairChange',
  },
};

const subgraphs = ['erp', 'wms', 'tms', 'crm', 'order-link', 'fulfilment', 'intake'];

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    subgraphs.map((name) => [
      `codegen/generated/${name}.ts`,
      {
        schema: [`subgraphs/${name}/schema.graphql`, 'codegen/federation2.graphql'],
        plugins: [{ add: { content: '/* generated by npm run codegen from subgraphs/' + name + '/schema.graphql: do not edit */' } }, 'typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useIndexSignature: true,
          contextType: `../../subgraphs/${name}/src/context.js#Context`,
          mappers: mappers[name],
          scalars,
          enumsAsTypes: true,
          useTypeImports: true,
          avoidOptionals: false,
          // Mappers are imported as XxxModel so they never collide with the generated GraphQL types.
          mapperTypeSuffix: 'Model',
        },
      },
    ]),
  ),
};

export default config;
