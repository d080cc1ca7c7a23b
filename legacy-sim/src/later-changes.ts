// What happens in the legacy systems after the hub's first sync, for the classes the generator
// injects with lateCommit, editedAfterLink, deletedRow and cancelledOutboundLive (the ground truth is
// the state after): orders committed late with the modify times they were stamped with (older than
// what the hub has read), outbounds whose ref_no is re-pointed at another customer's order, outbounds
// deleted, orders cancelled in the ERP while the WMS goes on with their outbounds.
// Written as those systems' own writers would: straight into their tables.
import { insertRows, openDataSource, placeholders, rowsOf } from '../../common/src/db.js';
import { formatBeijing } from '../../common/src/time.js';
import { generate } from './generator.js';
import { soDetailRows, soMainRow } from './story.js';
import type { SeedOptions, SeedTargets } from './types.js';

export interface LaterChanges {
  lateCommits: number;
  reReferenced: number;
  deleted: number;
  cancelled: number;
}

export async function applyLaterChanges(targets: SeedTargets, options: SeedOptions, now = Date.now()): Promise<LaterChanges> {
  const data = generate(options);
  const { heldBack, reReferenced, deleted, cancelled } = data.later;
  const erp = await openDataSource(targets.erpUrl, { poolSize: 1 });
  const wms = await openDataSource(targets.wmsUrl, { poolSize: 1 });
  try {
    const late = data.orders.filter((o) => heldBack.has(o.erpOrderNo));
    if (late.length) {
      // Lines first, then headers: the header is what the feed reads, and it carries its old dModifyTime.
      await insertRows(erp, 'SO_SODetails', rowsOf(late, soDetailRows));
      await insertRows(erp, 'SO_SOMain', rowsOf(late, (o) => [soMainRow(o, data.asOf)!]));
    }
    for (const [outNo, reference] of reReferenced) {
      await wms.query('UPDATE t_out_order SET ref_no = ?, update_time = ? WHERE out_no = ?', [reference, formatBeijing(now), outNo]);
    }
    if (deleted.length) {
      await wms.query(`DELETE FROM t_out_line WHERE out_no IN (${placeholders(deleted.length)})`, deleted);
      await wms.query(`DELETE FROM t_out_order WHERE out_no IN (${placeholders(deleted.length)})`, deleted);
    }
    if (cancelled.length) {
      // The ERP voids them (作废); the WMS is not told.
      await erp.query(`UPDATE SO_SOMain SET iStatus = 9, dModifyTime = ? WHERE cSOCode IN (${placeholders(cancelled.length)})`, [formatBeijing(now), ...cancelled]);
    }
    return { lateCommits: late.length, reReferenced: reReferenced.size, deleted: deleted.length, cancelled: cancelled.length };
  } finally {
    await Promise.all([erp.destroy(), wms.destroy()]);
  }
}
