// Where the erp subgraph's fields come from: ERP tables and columns as datasource.ts reads them
// (test/lineage.test.ts checks every column named here is one it reads).
import { declareLineage } from '../../../common/src/lineage.js';

const B2I = 'BEIJING_TIME_TO_INSTANT' as const;

export const erpLineage = declareLineage({ subgraph: 'erp', module: 'subgraphs/erp/adapter/datasource.ts', system: 'ERP' }, {
  Order: {
    table: 'SO_SOMain',
    fields: {
      erpOrderNo: 'cSOCode',
      orderedAt: { from: 'dDate', transform: B2I },
      promisedAt: { from: 'dPreDate', transform: B2I },
      paidAt: { from: 'dPayTime', transform: B2I },
      closedAt: { from: 'dCloseTime', transform: B2I },
      erpStatus: { from: 'iStatus', transform: 'CODE_MAP', note: '1 OPEN · 2 APPROVED · 3 PAID · 6 CLOSED · 9 CANCELLED' },
      store: { from: 'cDepCode', transform: 'ENTITY_REFERENCE', note: 'the Department row of that code' },
      region: 'cRegion',
      remark: { from: 'cMemo', note: 'blank → null' },
      salesClerk: 'cMaker',
      totalAmount: { from: 'iTotalSum', transform: 'DECIMAL_TO_MONEY' },
      contactName: { from: 'cCusPerson', note: 'trimmed; blank → null' },
      contactMobile: { from: 'cPersonPhone', note: 'trimmed; blank → null' },
      shipAddress: { from: 'cShipAddress', note: 'trimmed; blank → null' },
      requirements: { from: 'SO_SOMain_ExtraDefine.ID', transform: 'DERIVED', note: 'the extension row of SO_SOMain.ID (LEFT JOIN); every field null without one' },
      customer: { from: 'cCusCode', transform: 'ENTITY_REFERENCE' },
      lines: { from: 'SO_SODetails.cSOCode', transform: 'DERIVED', note: 'the order’s SO_SODetails rows by iRowNo' },
    },
  },
  OrderLine: {
    table: 'SO_SODetails',
    fields: {
      rowNo: 'iRowNo',
      sku: { from: 'cInvCode', transform: 'ENTITY_REFERENCE' },
      quantity: 'iQuantity',
      unitPrice: { from: 'iTaxUnitPrice', transform: 'DECIMAL_TO_MONEY' },
      amount: { from: 'iSum', transform: 'DECIMAL_TO_MONEY' },
      remark: { from: 'cMemo', note: 'HUB-GIFT:<rule> on lines the hub added' },
    },
  },
  Store: { table: 'Department', fields: { code: 'cDepCode', name: 'cDepName', region: 'cRegion', warehouseCode: 'cWhCode' } },
  Customer: {
    table: 'Customer',
    fields: {
      code: 'cCusCode',
      name: 'cCusName',
      grade: { from: 'cGrade', transform: 'CODE_MAP', note: 'upper-cased: the column is typed by hand (a, b, c now and then)' },
      creditLine: { from: 'iCreditLine', transform: 'DECIMAL_TO_MONEY' },
      phone: 'cCusPhone',
      homeStore: { from: 'cDepCode', transform: 'ENTITY_REFERENCE' },
    },
  },
  Sku: {
    table: 'Inventory',
    fields: {
      code: 'cInvCode',
      name: 'cInvName',
      nameEn: 'cInvNameEn',
      spec: 'cInvStd',
      category: 'cInvCCode',
      unit: 'cComUnitName',
      listPrice: { from: 'iInvSPrice', transform: 'DECIMAL_TO_MONEY' },
      shelfLifeMonths: 'iShelfLifeMonths',
      isService: { from: 'bService', transform: 'CODE_MAP', note: '1 → true' },
      gtin: 'cBarCode',
    },
  },
  OrderRequirements: {
    table: 'SO_SOMain_ExtraDefine',
    transform: 'CODE_MAP',
    fields: {
      priority: { from: 'cUrgency', note: '紧急 URGENT · 普通 NORMAL' },
      attachments: { from: 'cAttachReq', transform: 'PARSED', note: 'comma list of 检测报告, 合格证, 发票, 质保卡; empty → []' },
      purpose: { from: 'cPurpose', note: '装车 VEHICLE_INSTALL · 备货 STOCKING · 维修 REPAIR · 转卖 RESALE' },
      minShelfLifeMonths: { from: 'iMinShelfMonths', transform: 'AS_IS' },
      callBeforeDelivery: { from: 'bCallBefore', note: '1 → true' },
      deliveryConstraint: { from: 'cDeliveryLimit', note: '仅工作日 · 仅上午 · 仅下午' },
    },
  },
});
