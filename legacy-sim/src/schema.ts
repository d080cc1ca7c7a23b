// DDL of the simulated legacy systems, written once for MySQL/MariaDB and SQLite. Only the
// simulator owns these schemas; the adapters map the existing tables and never create them.
import type { DataSource } from 'typeorm';

export type LegacyStore = 'erp' | 'wms' | 'tms' | 'crm';

interface Dialect {
  pk: string;
  tail: string;
}

function dialect(ds: DataSource): Dialect {
  return ds.options.type === 'mysql'
    ? { pk: 'INT AUTO_INCREMENT PRIMARY KEY', tail: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' }
    : { pk: 'INTEGER PRIMARY KEY AUTOINCREMENT', tail: '' };
}

const ddl: Record<LegacyStore, (d: Dialect) => string[]> = {
  erp: ({ pk, tail }) => [
    `CREATE TABLE Department (
      cDepCode VARCHAR(12) NOT NULL PRIMARY KEY,
      cDepName VARCHAR(60) NOT NULL,
      cRegion VARCHAR(20) NOT NULL,
      cWhCode VARCHAR(12) NOT NULL
    )${tail}`,
    `CREATE TABLE Customer (
      cCusCode VARCHAR(20) NOT NULL PRIMARY KEY,
      cCusName VARCHAR(98) NOT NULL,
      cGrade CHAR(1) NOT NULL,
      iCreditLine DECIMAL(18,2) NOT NULL,
      cDepCode VARCHAR(12) NULL,
      cCusPhone VARCHAR(20) NULL,
      dModifyTime DATETIME NOT NULL
    )${tail}`,
    `CREATE TABLE Inventory (
      cInvCode VARCHAR(30) NOT NULL PRIMARY KEY,
      cInvName VARCHAR(120) NOT NULL,
      cInvNameEn VARCHAR(160) NULL,
      cInvStd VARCHAR(60) NOT NULL,
      cInvCCode VARCHAR(20) NOT NULL,
      cComUnitName VARCHAR(10) NOT NULL,
      iInvSPrice DECIMAL(18,2) NOT NULL,
      iShelfLifeMonths INT NULL,
      bService TINYINT NOT NULL DEFAULT 0,
      cBarCode VARCHAR(20) NULL,
      iInvAdvance INT NULL
    )${tail}`,
    `CREATE TABLE SO_SOMain (
      ID ${pk},
      cSOCode VARCHAR(30) NOT NULL,
      cCusCode VARCHAR(20) NOT NULL,
      cDepCode VARCHAR(12) NOT NULL,
      cRegion VARCHAR(20) NOT NULL,
      dDate DATETIME NOT NULL,
      dPreDate DATETIME NULL,
      iStatus TINYINT NOT NULL,
      dPayTime DATETIME NULL,
      dCloseTime DATETIME NULL,
      iTotalSum DECIMAL(18,2) NOT NULL,
      cMemo VARCHAR(255) NULL,
      cMaker VARCHAR(20) NULL,
      cCusPerson VARCHAR(40) NULL,
      cPersonPhone VARCHAR(20) NULL,
      cShipAddress VARCHAR(255) NULL,
      cDefine10 VARCHAR(60) NULL,
      dModifyTime DATETIME NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_so_code ON SO_SOMain (cSOCode)',
    // cDefine10: the key an integration created the order under (the hub's draft client key).
    'CREATE INDEX ix_so_define10 ON SO_SOMain (cDefine10)',
    'CREATE INDEX ix_so_customer_date ON SO_SOMain (cCusCode, dDate)',
    // The hub's credit rule asks for customers' unpaid orders (iStatus 1, 2): without it, every order
    // each customer ever placed is read to find the few still open.
    'CREATE INDEX ix_so_customer_status ON SO_SOMain (cCusCode, iStatus)',
    'CREATE INDEX ix_so_date ON SO_SOMain (dDate)',
    'CREATE INDEX ix_so_modify ON SO_SOMain (dModifyTime, ID)',
    `CREATE TABLE SO_SODetails (
      AutoID ${pk},
      cSOCode VARCHAR(30) NOT NULL,
      iRowNo INT NOT NULL,
      cInvCode VARCHAR(30) NOT NULL,
      iQuantity INT NOT NULL,
      iTaxUnitPrice DECIMAL(18,2) NOT NULL,
      iSum DECIMAL(18,2) NOT NULL,
      cMemo VARCHAR(255) NULL
    )${tail}`,
    'CREATE INDEX ix_sod_order ON SO_SODetails (cSOCode, iRowNo)',
    // U8's extension table of the order header, one row per SO_SOMain.ID: what sales used to bury
    // in cMemo. Codes as the ERP screens show them: cUrgency 紧急/普通; cAttachReq a comma list of
    // 检测报告, 合格证, 发票, 质保卡 ('' none); cPurpose 装车/备货/维修/转卖; bCallBefore 0/1;
    // cDeliveryLimit 仅工作日/仅上午/仅下午. NULL: not recorded.
    `CREATE TABLE SO_SOMain_ExtraDefine (
      ID INT NOT NULL PRIMARY KEY,
      cUrgency VARCHAR(10) NULL,
      cAttachReq VARCHAR(60) NULL,
      cPurpose VARCHAR(10) NULL,
      iMinShelfMonths INT NULL,
      bCallBefore TINYINT NULL,
      cDeliveryLimit VARCHAR(10) NULL,
      dModifyTime DATETIME NOT NULL
    )${tail}`,
    `CREATE TABLE PU_AppVouch (
      ID ${pk},
      cCode VARCHAR(40) NOT NULL,
      dDate DATETIME NOT NULL,
      cInvCode VARCHAR(30) NOT NULL,
      iQuantity INT NOT NULL,
      cWhCode VARCHAR(12) NOT NULL,
      cMemo VARCHAR(255) NULL,
      cMaker VARCHAR(40) NOT NULL,
      dRequirDate DATETIME NULL,
      cDefine10 VARCHAR(60) NULL,
      cCloser VARCHAR(40) NULL,
      dModifyTime DATETIME NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_pu_appvouch_code ON PU_AppVouch (cCode)',
    'CREATE INDEX ix_pu_appvouch_key ON PU_AppVouch (cDefine10)',
    // Sales invoices (销售发票), one header per invoice; U8 keeps lines apart, the simulator does not need them.
    `CREATE TABLE SaleBillVouch (
      SBVID ${pk},
      cSBVCode VARCHAR(30) NOT NULL,
      cVouchType CHAR(2) NOT NULL,
      dDate DATETIME NOT NULL,
      cCusCode VARCHAR(20) NOT NULL,
      cSOCode VARCHAR(30) NULL,
      iSum DECIMAL(18,2) NOT NULL,
      cMaker VARCHAR(20) NULL,
      dModifyTime DATETIME NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_sbv_code ON SaleBillVouch (cSBVCode)',
    'CREATE INDEX ix_sbv_order ON SaleBillVouch (cSOCode)',
  ],
  wms: ({ pk, tail }) => [
    `CREATE TABLE t_out_order (
      id ${pk},
      out_no VARCHAR(30) NOT NULL,
      ref_no VARCHAR(40) NULL,
      consignee_code VARCHAR(20) NOT NULL,
      consignee_name VARCHAR(98) NULL,
      warehouse_code VARCHAR(12) NOT NULL,
      status SMALLINT NOT NULL,
      create_time DATETIME NOT NULL,
      pick_start_time DATETIME NULL,
      pick_end_time DATETIME NULL,
      ship_time DATETIME NULL,
      update_time DATETIME NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_out_no ON t_out_order (out_no)',
    'CREATE INDEX ix_out_ref ON t_out_order (ref_no)',
    'CREATE INDEX ix_out_consignee ON t_out_order (consignee_code, create_time)',
    'CREATE INDEX ix_out_update ON t_out_order (update_time, id)',
    `CREATE TABLE t_out_line (
      id ${pk},
      out_no VARCHAR(30) NOT NULL,
      line_no INT NOT NULL,
      sku VARCHAR(30) NOT NULL,
      batch_no VARCHAR(20) NOT NULL,
      loc_code VARCHAR(20) NOT NULL,
      plan_qty INT NOT NULL,
      picked_qty INT NULL
    )${tail}`,
    'CREATE INDEX ix_out_line ON t_out_line (out_no, line_no)',
    `CREATE TABLE t_location (
      warehouse_code VARCHAR(12) NOT NULL,
      loc_code VARCHAR(20) NOT NULL,
      floor_no INT NOT NULL,
      aisle_no INT NOT NULL,
      shelf_no INT NOT NULL,
      status SMALLINT NOT NULL DEFAULT 1,
      PRIMARY KEY (warehouse_code, loc_code)
    )${tail}`,
    `CREATE TABLE t_stock (
      id ${pk},
      warehouse_code VARCHAR(12) NOT NULL,
      sku VARCHAR(30) NOT NULL,
      batch_no VARCHAR(20) NOT NULL,
      exp_date DATE NULL,
      loc_code VARCHAR(20) NOT NULL,
      qty INT NOT NULL,
      locked_qty INT NOT NULL DEFAULT 0
    )${tail}`,
    'CREATE INDEX ix_stock_sku ON t_stock (sku, batch_no)',
    `CREATE TABLE t_pick_scan (
      id ${pk},
      out_no VARCHAR(30) NOT NULL,
      sku VARCHAR(30) NULL,
      batch_no VARCHAR(20) NULL,
      loc_code VARCHAR(20) NULL,
      barcode VARCHAR(120) NOT NULL,
      scan_time DATETIME NOT NULL,
      operator VARCHAR(20) NOT NULL,
      result SMALLINT NOT NULL
    )${tail}`,
    'CREATE INDEX ix_pick_scan_out ON t_pick_scan (out_no)',
    `CREATE TABLE t_seal_log (
      id ${pk},
      out_no VARCHAR(30) NOT NULL,
      seal_no VARCHAR(40) NOT NULL,
      seal_time DATETIME NOT NULL,
      operator VARCHAR(20) NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_seal_out ON t_seal_log (out_no)',
  ],
  tms: ({ pk, tail }) => [
    `CREATE TABLE tms_waybill (
      waybill_no VARCHAR(30) NOT NULL PRIMARY KEY,
      carrier_code VARCHAR(6) NOT NULL,
      customer_ref VARCHAR(40) NULL,
      consignee VARCHAR(98) NULL,
      dest_city VARCHAR(20) NULL,
      status SMALLINT NOT NULL,
      weight_kg DECIMAL(10,2) NULL,
      create_time DATETIME NOT NULL,
      update_time DATETIME NOT NULL,
      exception_code VARCHAR(30) NULL,
      exception_desc VARCHAR(120) NULL,
      delay_minutes INT NULL
    )${tail}`,
    'CREATE INDEX ix_waybill_ref ON tms_waybill (customer_ref)',
    'CREATE INDEX ix_waybill_update ON tms_waybill (update_time, waybill_no)',
    `CREATE TABLE tms_track (
      id ${pk},
      waybill_no VARCHAR(30) NOT NULL,
      op_code SMALLINT NOT NULL,
      op_time DATETIME NOT NULL,
      op_city VARCHAR(20) NULL,
      op_desc VARCHAR(200) NOT NULL
    )${tail}`,
    'CREATE INDEX ix_track_waybill ON tms_track (waybill_no, op_time)',
    `CREATE TABLE tms_weather_alert (
      alert_id VARCHAR(30) NOT NULL PRIMARY KEY,
      city VARCHAR(20) NOT NULL,
      level VARCHAR(4) NOT NULL,
      alert_type VARCHAR(20) NOT NULL,
      start_time DATETIME NOT NULL,
      end_time DATETIME NOT NULL,
      description VARCHAR(200) NOT NULL
    )${tail}`,
    'CREATE INDEX ix_alert_city ON tms_weather_alert (city, start_time)',
  ],
  crm: ({ pk, tail }) => [
    `CREATE TABLE crm_customer (
      cust_code VARCHAR(20) NOT NULL PRIMARY KEY,
      cust_name VARCHAR(98) NOT NULL,
      level_code SMALLINT NULL,
      tag_list VARCHAR(255) NULL,
      satisfaction DECIMAL(3,1) NULL,
      updated_at BIGINT NOT NULL
    )${tail}`,
    `CREATE TABLE crm_ticket (
      ticket_id VARCHAR(20) NOT NULL PRIMARY KEY,
      order_ref VARCHAR(40) NULL,
      cust_code VARCHAR(20) NOT NULL,
      ticket_type VARCHAR(12) NOT NULL,
      status VARCHAR(12) NOT NULL,
      created_at BIGINT NOT NULL,
      closed_at BIGINT NULL,
      title VARCHAR(120) NOT NULL,
      transcript TEXT NOT NULL,
      satisfaction SMALLINT NULL,
      biz_key VARCHAR(160) NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_ticket_biz_key ON crm_ticket (biz_key)',
    'CREATE INDEX ix_ticket_order ON crm_ticket (order_ref)',
    `CREATE TABLE crm_sms (
      id ${pk},
      biz_key VARCHAR(160) NOT NULL,
      mobile VARCHAR(20) NOT NULL,
      content VARCHAR(500) NOT NULL,
      created_at BIGINT NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_crm_sms_key ON crm_sms (biz_key)',
    'CREATE INDEX ix_ticket_customer ON crm_ticket (cust_code, created_at)',
    `CREATE TABLE crm_call (
      call_id VARCHAR(20) NOT NULL PRIMARY KEY,
      cust_code VARCHAR(20) NULL,
      caller_phone VARCHAR(20) NULL,
      agent VARCHAR(20) NOT NULL,
      started_at BIGINT NOT NULL,
      duration_s INT NOT NULL,
      transcript TEXT NOT NULL,
      change_seq BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`,
    'CREATE UNIQUE INDEX ux_call_change ON crm_call (change_seq)',
    'CREATE INDEX ix_call_customer ON crm_call (cust_code, started_at)',
  ],
};

/**
 * A CRM store seeded before it kept service calls (and tickets' business keys) gets them when the
 * simulator starts, so an existing data folder keeps working.
 */
export async function ensureCrmStore(ds: DataSource): Promise<void> {
  try {
    await ds.query('SELECT call_id FROM crm_call WHERE 1 = 0');
  } catch {
    for (const statement of ddl.crm(dialect(ds)).filter((s) => s.includes('crm_call'))) await ds.query(statement);
  }
  try {
    await ds.query('SELECT biz_key FROM crm_ticket WHERE 1 = 0');
  } catch {
    await ds.query('ALTER TABLE crm_ticket ADD COLUMN biz_key VARCHAR(160) NULL');
    await ds.query('CREATE UNIQUE INDEX ux_ticket_biz_key ON crm_ticket (biz_key)');
  }
}

export async function createLegacySchema(ds: DataSource, store: LegacyStore): Promise<void> {
  for (const statement of ddl[store](dialect(ds))) await ds.query(statement);
}
