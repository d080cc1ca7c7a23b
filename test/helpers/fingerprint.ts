// A fingerprint of every legacy table, to prove that a run of requests changed nothing.
import { createHash } from 'node:crypto';
import { openDataSource } from '../../common/src/db.js';

const TABLES = {
  erp: ['SO_SOMain', 'SO_SODetails', 'Customer', 'Inventory', 'Department'],
  wms: ['t_out_order', 't_out_line', 't_stock', 't_location', 't_pick_scan', 't_seal_log'],
} as const;

export async function legacyFingerprint(urls: { erpUrl: string; wmsUrl: string }): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [system, url] of [['erp', urls.erpUrl], ['wms', urls.wmsUrl]] as const) {
    const ds = await openDataSource(url, { poolSize: 1 });
    try {
      for (const table of TABLES[system]) {
        const rows = await ds.query(`SELECT * FROM ${table}`);
        const lines = rows.map((r: unknown) => JSON.stringify(r)).sort();
        out[`${system}.${table}`] = `${rows.length}:${createHash('sha1').update(lines.join('\n')).digest('hex')}`;
      }
    } finally {
      await ds.destroy();
    }
  }
  return out;
}
