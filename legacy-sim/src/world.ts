// The fixed world the generator draws from: the SKU catalog, stores, warehouses and their bins,
// and the parts names are made of. Deterministic data, no randomness here.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../common/src/csv.js';

export { parseCsv };

export interface CatalogItem {
  code: string;
  model: string;
  nameZh: string;
  nameEn: string;
  category: string;
  unit: string;
  /** List price in fen. */
  priceFen: number;
  shelfLifeMonths: number | null;
  isService: boolean;
  gtin: string | null;
}

export const CATALOG_PATH = new URL('../data/catalog.csv', import.meta.url);

export function loadCatalog(path: URL | string = CATALOG_PATH): CatalogItem[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`catalog: column ${name} missing`);
    return i;
  };
  const c = {
    code: col('code'),
    model: col('model'),
    nameZh: col('name_zh'),
    nameEn: col('name_en'),
    category: col('category'),
    unit: col('unit'),
    price: col('price_cny'),
    shelf: col('shelf_life_months'),
    service: col('is_service'),
    gtin: col('gtin'),
  };
  return rows.map((r) => {
    const [yuan, fen = '0'] = r[c.price].split('.');
    return {
      code: r[c.code],
      model: r[c.model],
      nameZh: r[c.nameZh],
      nameEn: r[c.nameEn],
      category: r[c.category],
      unit: r[c.unit],
      priceFen: Number(yuan) * 100 + Number(fen.padEnd(2, '0').slice(0, 2)),
      shelfLifeMonths: r[c.shelf] ? Number(r[c.shelf]) : null,
      isService: r[c.service] === '1',
      gtin: r[c.gtin] || null,
    };
  });
}

export interface Warehouse {
  code: string;
  city: string;
  floors: number;
  aisles: number;
  shelves: number;
}

export const WAREHOUSES: Warehouse[] = [
  { code: 'WH-SH01', city: '上海', floors: 3, aisles: 12, shelves: 20 },
  { code: 'WH-SZ01', city: '苏州', floors: 2, aisles: 10, shelves: 18 },
  { code: 'WH-HZ01', city: '杭州', floors: 2, aisles: 8, shelves: 16 },
];

export interface City {
  /** As ERP spells it in cRegion. */
  name: string;
  warehouse: string;
  districts: string[];
}

export const CITIES: City[] = [
  { name: '上海', warehouse: 'WH-SH01', districts: ['闵行', '浦东', '宝山', '嘉定', '松江', '青浦', '徐汇', '普陀', '杨浦', '奉贤', '金山', '长宁'] },
  { name: '苏州', warehouse: 'WH-SZ01', districts: ['吴中', '工业园区', '相城', '昆山', '常熟', '吴江', '张家港'] },
  { name: '无锡', warehouse: 'WH-SZ01', districts: ['新吴', '滨湖', '江阴', '宜兴', '惠山'] },
  { name: '杭州', warehouse: 'WH-HZ01', districts: ['西湖', '萧山', '余杭', '滨江', '拱墅', '临平'] },
  { name: '南京', warehouse: 'WH-SZ01', districts: ['江宁', '鼓楼', '浦口', '栖霞', '雨花台'] },
  { name: '宁波', warehouse: 'WH-HZ01', districts: ['鄞州', '北仑', '慈溪'] },
  { name: '常州', warehouse: 'WH-SZ01', districts: ['武进', '新北', '天宁'] },
  { name: '嘉兴', warehouse: 'WH-SH01', districts: ['南湖', '桐乡'] },
  { name: '绍兴', warehouse: 'WH-HZ01', districts: ['越城', '柯桥'] },
  { name: '南通', warehouse: 'WH-SH01', districts: ['崇川', '海门'] },
];

export interface Store {
  code: string;
  name: string;
  city: string;
  warehouse: string;
}

/** 47 stores, city by city: MD001 上海闵行店 … */
export const STORES: Store[] = CITIES.flatMap((city) => city.districts.map((d) => ({ city, d }))).map(({ city, d }, i) => ({
  code: `MD${String(i + 1).padStart(3, '0')}`,
  name: `${city.name}${d}店`,
  city: city.name,
  warehouse: city.warehouse,
}));

export const cityByName = new Map(CITIES.map((c) => [c.name, c]));
export const warehouseByCode = new Map(WAREHOUSES.map((w) => [w.code, w]));

/** Parts customer names are made of: 华通 + 汽修 … */
export const SHOP_PREFIXES = [
  '华通', '捷达', '顺达', '安驰', '恒通', '骏马', '鑫源', '宏达', '永盛', '金桥', '诚信', '百川', '路通', '东风', '通途',
  '众诚', '瑞丰', '万里', '平安', '飞腾', '远航', '新锐', '德胜', '鸿运', '嘉禾', '同力', '天翼', '腾达', '畅行', '明辉',
  '凯旋', '锦程', '盛世', '欣悦', '祥和', '立信', '博远', '宝驰', '速捷', '精工', '快马', '领航', '正大', '安达', '利民',
];
export const SHOP_SUFFIXES = ['汽修', '快修', '汽配', '汽车服务中心', '车行', '汽修厂', '养护中心', '轮胎店', '汽车美容', '配件商行', '维修站', '车业'];

export const PERSON_SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭', '林', '何', '高', '罗'];
export const PERSON_GIVEN = ['伟', '强', '磊', '敏', '静', '丽', '军', '勇', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '芳', '华', '鹏', '婷'];

export const SALES_CLERKS = ['张丽', '王强', '李娜', '赵磊', '陈静', '刘洋', '周敏', '吴涛'];

export const CUSTOMER_TAGS = ['老客户', '价格敏感', '大客户', '月结', '新客户', '要求发票', '只收顺丰', '周末不收货', '爱投诉', '高复购', '连锁', '4S店'];

/**
 * Remarks sales staff type into SO_SOMain.cMemo: urgency, attachments, purpose, shelf life,
 * delivery constraints, in the shorthand people really use.
 */
export const REMARKS = [
  '急！装车用', '急件，今天必须发', '加急', '客户催单，尽快', '需附检测报告', '随货附合格证', '开专票', '需要开增值税专用发票',
  '备货，不急', '补库存', '维修用', '返修件，请核对型号', '转卖客户，无需发票', '保质期要一年以上', '生产日期要新的，保质期18个月以上',
  '送货前请电话联系', '到了先打电话', '只工作日收货', '上午送货', '下午送', '周末不收货', '随货附质保卡', '装车用，急，附合格证',
  '老客户，按上次价格', '包装要好，易碎', '送到后门仓库', '', '',
];

/** Supplier lead time in days by category (ERP Inventory.iInvAdvance, 提前期): imported bearings take longest. */
export const LEAD_TIME_DAYS: Record<string, number> = {
  bearing: 21, fluid: 7, oil: 7, filter: 10, belt: 14, brake: 14, ignition: 10, wiper: 7, battery: 5, suspension: 21, lighting: 10, chemical: 7,
};
export const leadTimeDays = (item: CatalogItem) => (item.isService ? null : (LEAD_TIME_DAYS[item.category] ?? 10));
