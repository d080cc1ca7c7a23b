// createRequisitions: checked here, written by the erp subgraph (one ERP transaction, once per
// clientKey), audited in the hub. A retry with the key writes nothing in the ERP and no second audit
// entry; an answer lost after the ERP committed is audited by the retry that finds the rows.
import type { DataSource } from 'typeorm';
import type { Caller } from '../../../../common/src/caller.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import type { ErpDatasource, ErpOrders, RaisedRequisitions } from '#adapters/erp';
import { audit } from '../rules/store.js';
import { checkRequisitions, requireMonday, type PurchasePlanner, type RequisitionLineInput } from './service.js';

export class PurchaseRequisitions {
  constructor(
    private readonly hubDb: DataSource,
    private readonly hub: LegacySystem,
    private readonly erp: ErpDatasource,
    private readonly erpOrders: ErpOrders,
    private readonly planner: PurchasePlanner,
  ) {}

  async create(input: { warehouse: string; weekStarting: string; clientKey: string; lines: RequisitionLineInput[] }, caller: Caller): Promise<RaisedRequisitions> {
    await checkRequisitions(this.planner, this.erp, input);
    const monday = requireMonday(input.weekStarting);
    const raised = await this.erpOrders.raiseRequisitions(
      {
        clientKey: input.clientKey,
        warehouseCode: input.warehouse,
        requiredBy: toIsoBeijing(monday)!,
        memo: `采购建议 ${input.weekStarting} 周 / purchase suggestion, week of ${input.weekStarting}`,
        lines: input.lines,
      },
      caller,
    );
    await this.hub.call('audit.requisitions', () =>
      this.hubDb.transaction(async (em) => {
        if (!raised.created) {
          const [seen] = await em.query("SELECT id FROM hub_audit WHERE entity = 'REQUISITION' AND entity_id = ? LIMIT 1", [input.clientKey]);
          if (seen) return;
        }
        await audit(em, caller, 'REQUISITIONS_CREATED', 'REQUISITION', input.clientKey, null, { warehouse: input.warehouse, weekStarting: input.weekStarting, requisitions: raised.requisitions }, null);
      }),
    );
    return raised;
  }
}
