// Orders the bins of a pick list into a short walk through a multi-floor warehouse.
//
// The floor model (one "single-block" layout per floor, as in WH-SH01/SZ01/HZ01):
//   - aisles 1…N run parallel, AISLE_SPACING_M apart; shelf s of an aisle sits s × SHELF_PITCH_M
//     from the front cross-aisle (shelf 0); the back cross-aisle runs at shelvesPerAisle + 1.
//     Bins on both sides of an aisle are picked from the aisle itself, so a bin is a point on it.
//   - The lift, and the depot where a picker starts and ends on every floor, is at the front of
//     aisle 1. Walking between two bins takes the shortest way: along an aisle, or out of one aisle,
//     along the front or the back cross-aisle, into the other (`walkDistance`).
//   - A lift ride (any change of floor) costs LIFT_RIDE_M metres of walking, whatever the number
//     of floors: waiting for the freight lift dominates its travel. The picker starts and ends at
//     the depot of `startFloor` (default 1, where packing is), picks that floor first, then the
//     other floors in ascending order, and rides back down.
//
// Methods: S_SHAPE is the classic traversal policy (every aisle with a pick walked end to end,
// alternating direction; with an odd number of such aisles the last one is entered from the
// front and left the same way). OPTIMAL is Ratliff & Rosenthal's dynamic programme (1983) for
// the single-block layout: it walks the aisles left to right, keeping for each of the 6 reachable
// "degree parity × connectivity" classes of the partial tour its cheapest cost, and gives the
// shortest closed walk through all bins of a floor in O(aisles). The tour's edges are turned into
// a walk with Hierholzer's Euler circuit. planRoute keeps the shorter of the two per floor, so it
// is never longer than S_SHAPE even if the optimum were somehow missed.

export const AISLE_SPACING_M = 3;
export const SHELF_PITCH_M = 1.2;
export const LIFT_RIDE_M = 30;

export interface PickStop {
  /** Caller's key (a pick-line id); returned in `order`. */
  key: string;
  floor: number;
  aisle: number;
  shelf: number;
}

export interface FloorLayout {
  /** Shelves along each aisle, numbered 1…shelvesPerAisle from the front. */
  shelvesPerAisle: number;
  /** When given, a stop in a higher aisle is refused. */
  aislesPerFloor?: number;
}

export interface RouteOptions {
  aisleSpacingM?: number;
  shelfPitchM?: number;
  liftRideM?: number;
  startFloor?: number;
}

/** A point the picker walks through; shelf 0 is the front cross-aisle, shelvesPerAisle + 1 the back. */
export interface Position {
  floor: number;
  aisle: number;
  shelf: number;
}

export interface Waypoint extends Position {
  /** Stop keys picked here (on the first visit only); empty when just walking through or turning. */
  picks: string[];
}

export type RouteMethod = 'OPTIMAL' | 'S_SHAPE';

export interface FloorRoute {
  floor: number;
  /** Walking on this floor, depot to depot. */
  lengthMeters: number;
  method: RouteMethod;
}

export interface PlannedRoute {
  /** Stop keys in walking order; stops in one bin are consecutive, in input order. */
  order: string[];
  /** The walk from the start depot back to it, turn by turn; `routeLength(path)` = lengthMeters. */
  path: Waypoint[];
  lengthMeters: number;
  /** OPTIMAL or S_SHAPE when every floor used it, else the per-floor methods joined by '+'. */
  method: string;
  perFloor: FloorRoute[];
}

interface Metrics {
  spacing: number;
  pitch: number;
  lift: number;
  /** Shelf index of the back cross-aisle. */
  back: number;
  startFloor: number;
}

function metricsOf(layout: FloorLayout, options: RouteOptions = {}): Metrics {
  const { shelvesPerAisle } = layout;
  if (!Number.isInteger(shelvesPerAisle) || shelvesPerAisle < 1) throw new RangeError(`shelvesPerAisle must be a positive integer, got ${shelvesPerAisle}`);
  if (layout.aislesPerFloor !== undefined && (!Number.isInteger(layout.aislesPerFloor) || layout.aislesPerFloor < 1)) {
    throw new RangeError(`aislesPerFloor must be a positive integer, got ${layout.aislesPerFloor}`);
  }
  const m: Metrics = {
    spacing: options.aisleSpacingM ?? AISLE_SPACING_M,
    pitch: options.shelfPitchM ?? SHELF_PITCH_M,
    lift: options.liftRideM ?? LIFT_RIDE_M,
    back: shelvesPerAisle + 1,
    startFloor: options.startFloor ?? 1,
  };
  for (const [name, v] of [['aisleSpacingM', m.spacing], ['shelfPitchM', m.pitch], ['liftRideM', m.lift]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite non-negative number, got ${v}`);
  }
  if (!Number.isInteger(m.startFloor) || m.startFloor < 1) throw new RangeError(`startFloor must be a positive integer, got ${m.startFloor}`);
  return m;
}

const depotOf = (floor: number): Position => ({ floor, aisle: 1, shelf: 0 });

function distanceOnFloor(from: Position, to: Position, m: Metrics): number {
  if (from.aisle === to.aisle) return Math.abs(from.shelf - to.shelf) * m.pitch;
  const viaFront = from.shelf + to.shelf;
  const viaBack = 2 * m.back - from.shelf - to.shelf;
  return Math.abs(from.aisle - to.aisle) * m.spacing + Math.min(viaFront, viaBack) * m.pitch;
}

/** Shortest walk between two points; across floors it goes through both depots and one lift ride. */
export function walkDistance(from: Position, to: Position, layout: FloorLayout, options?: RouteOptions): number {
  const m = metricsOf(layout, options);
  checkPosition(from, m);
  checkPosition(to, m);
  return distance(from, to, m);
}

function distance(from: Position, to: Position, m: Metrics): number {
  if (from.floor === to.floor) return distanceOnFloor(from, to, m);
  return distanceOnFloor(from, depotOf(from.floor), m) + m.lift + distanceOnFloor(depotOf(to.floor), to, m);
}

function checkPosition(p: Position, m: Metrics) {
  if (!Number.isInteger(p.floor) || p.floor < 1 || !Number.isInteger(p.aisle) || p.aisle < 1 || !Number.isInteger(p.shelf) || p.shelf < 0 || p.shelf > m.back) {
    throw new RangeError(`not a position in this layout: ${JSON.stringify(p)}`);
  }
}

/** Length of a walk through `path` in order (shortest way between consecutive points), nothing
 * added at either end: the one measure every route here is reported in. */
export function routeLength(path: readonly Position[], layout: FloorLayout, options?: RouteOptions): number {
  const m = metricsOf(layout, options);
  path.forEach((p) => checkPosition(p, m));
  return pathLength(path, m);
}

// Rounded to the millimetre so 70.80000000000001 reads 70.8; every reported length comes from here.
function pathLength(path: readonly Position[], m: Metrics): number {
  let total = 0;
  for (let i = 1; i < path.length; i++) total += distance(path[i - 1], path[i], m);
  return Math.round(total * 1000) / 1000;
}

// ---- one floor --------------------------------------------------------------------------------

/** The distinct bins of one floor, each with the keys picked there. */
interface Bin {
  aisle: number;
  shelf: number;
  keys: string[];
}

const binId = (aisle: number, shelf: number) => `${aisle}:${shelf}`;

interface FloorPlan {
  /** Walk on one floor, depot to depot, as (aisle, shelf) points. */
  points: { aisle: number; shelf: number }[];
}

function sShapeFloor(bins: Bin[], m: Metrics): FloorPlan {
  const byAisle = groupAisles(bins);
  const aisles = [...byAisle.keys()].sort((a, b) => a - b);
  const points: FloorPlan['points'] = [{ aisle: 1, shelf: 0 }];
  aisles.forEach((aisle, i) => {
    const shelves = byAisle.get(aisle)!;
    const lastOfOdd = i === aisles.length - 1 && aisles.length % 2 === 1;
    if (i % 2 === 0) {
      points.push({ aisle, shelf: 0 }, ...shelves.map((shelf) => ({ aisle, shelf })));
      points.push({ aisle, shelf: lastOfOdd ? 0 : m.back });
    } else {
      points.push({ aisle, shelf: m.back }, ...[...shelves].reverse().map((shelf) => ({ aisle, shelf })), { aisle, shelf: 0 });
    }
  });
  points.push({ aisle: 1, shelf: 0 });
  return { points };
}

function groupAisles(bins: Bin[]): Map<number, number[]> {
  const byAisle = new Map<number, number[]>();
  for (const b of bins) {
    const shelves = byAisle.get(b.aisle) ?? [];
    byAisle.set(b.aisle, shelves);
    shelves.push(b.shelf);
  }
  for (const shelves of byAisle.values()) shelves.sort((a, b) => a - b);
  return byAisle;
}

// Degree class of an aisle end in the partial tour: no edge, odd degree, even degree > 0.
type Deg = 0 | 1 | 2;
interface DpState {
  front: Deg;
  back: Deg;
  /** Both ends have edges and lie in one component (else: two components, or only one end used). */
  joined: boolean;
}
type AisleMove = 'NONE' | 'THROUGH' | 'THROUGH_TWICE' | 'FROM_FRONT' | 'FROM_BACK' | 'GAP';
interface AisleOption {
  move: AisleMove;
  dFront: 0 | 1 | 2;
  dBack: 0 | 1 | 2;
  joins: boolean;
  cost: number;
  /** For GAP: the segment left out lies between shelves[gapAt - 1] and shelves[gapAt]. */
  gapAt?: number;
}
interface DpEntry {
  state: DpState;
  cost: number;
  prev: string | null;
  /** The aisle move (after-aisle layer) or the cross-aisle multiplicities (before-aisle layer). */
  option?: AisleOption;
  cross?: [number, number];
}

const stateKey = (s: DpState) => `${s.front}${s.back}${s.joined ? 'J' : ''}`;
const addDeg = (d: Deg, delta: 0 | 1 | 2): Deg => (delta === 0 ? d : delta === 1 ? (d === 1 ? 2 : 1) : d === 0 ? 2 : d);

function aisleOptions(shelves: number[], m: Metrics): AisleOption[] {
  const length = m.back * m.pitch;
  const options: AisleOption[] = [
    { move: 'THROUGH', dFront: 1, dBack: 1, joins: true, cost: length },
    { move: 'THROUGH_TWICE', dFront: 2, dBack: 2, joins: true, cost: 2 * length },
  ];
  if (shelves.length === 0) return [{ move: 'NONE', dFront: 0, dBack: 0, joins: false, cost: 0 }, ...options];
  options.push(
    { move: 'FROM_FRONT', dFront: 2, dBack: 0, joins: false, cost: 2 * shelves[shelves.length - 1] * m.pitch },
    { move: 'FROM_BACK', dFront: 0, dBack: 2, joins: false, cost: 2 * (m.back - shelves[0]) * m.pitch },
  );
  // Leaving out the largest gap between two picks: in from both ends, out the same way.
  let gapAt = 0;
  for (let i = 1; i < shelves.length; i++) if (gapAt === 0 || shelves[i] - shelves[i - 1] > shelves[gapAt] - shelves[gapAt - 1]) gapAt = i;
  if (gapAt > 0) {
    const gap = shelves[gapAt] - shelves[gapAt - 1];
    options.push({ move: 'GAP', dFront: 2, dBack: 2, joins: false, cost: 2 * (m.back - gap) * m.pitch, gapAt });
  }
  return options;
}

function relax(layer: Map<string, DpEntry>, entry: DpEntry) {
  const key = stateKey(entry.state);
  const old = layer.get(key);
  if (!old || entry.cost < old.cost - 1e-9) layer.set(key, entry);
}

/** Ratliff & Rosenthal: the shortest closed walk from the depot through every bin of one floor. */
function optimalFloor(bins: Bin[], m: Metrics): FloorPlan {
  const byAisle = groupAisles(bins);
  const lastAisle = Math.max(...byAisle.keys());
  // before[j]: partial tours over aisles < j plus the cross-aisle edges into aisle j;
  // after[j]: the same plus aisle j's own edges. Only aisle j's two ends may still be odd or
  // unfinished, and every component must touch one of them (a closed-off one could never join).
  const before: Map<string, DpEntry>[] = [];
  const after: Map<string, DpEntry>[] = [];
  before[1] = new Map([[stateKey({ front: 0, back: 0, joined: false }), { state: { front: 0, back: 0, joined: false }, cost: 0, prev: null }]]);
  for (let j = 1; j <= lastAisle; j++) {
    after[j] = new Map();
    for (const [key, e] of before[j]) {
      for (const option of aisleOptions(byAisle.get(j) ?? [], m)) {
        const front = addDeg(e.state.front, option.dFront);
        const back = addDeg(e.state.back, option.dBack);
        const joined = front > 0 && back > 0 && (option.joins || (e.state.front > 0 && e.state.back > 0 && e.state.joined));
        relax(after[j], { state: { front, back, joined }, cost: e.cost + option.cost, prev: key, option });
      }
    }
    if (j === lastAisle) break;
    before[j + 1] = new Map();
    for (const [key, e] of after[j]) {
      const { front, back, joined } = e.state;
      for (const fa of [0, 1, 2] as const) {
        for (const fb of [0, 1, 2] as const) {
          // The ends of aisle j are finished now: their degree must come out even.
          if ((front === 1) !== (fa === 1) || (back === 1) !== (fb === 1)) continue;
          // The depot must be on the tour.
          if (j === 1 && front === 0 && fa === 0) continue;
          // Each component must carry on to aisle j + 1.
          if (front > 0 && !(fa > 0 || (joined && fb > 0))) continue;
          if (back > 0 && !(fb > 0 || (joined && fa > 0))) continue;
          const state: DpState = { front: fa, back: fb, joined: fa > 0 && fb > 0 && joined };
          relax(before[j + 1], { state, cost: e.cost + (fa + fb) * m.spacing, prev: key, cross: [fa, fb] });
        }
      }
    }
  }
  let best: [string, DpEntry] | null = null;
  for (const [key, e] of after[lastAisle]) {
    const { front, back, joined } = e.state;
    if (front === 1 || back === 1 || (front > 0 && back > 0 && !joined)) continue;
    if (lastAisle === 1 && front === 0) continue;
    if (front === 0 && back === 0) continue;
    if (!best || e.cost < best[1].cost - 1e-9) best = [key, e];
  }
  if (!best) throw new Error('route: no tour found (a bug: one always exists)');

  // Walk back through the layers to collect the tour's edges.
  const edges: [string, string][] = [];
  const addEdge = (a: string, b: string, times: number) => {
    for (let t = 0; t < times; t++) edges.push([a, b]);
  };
  let key: string | null = best[0];
  for (let j = lastAisle; j >= 1; j--) {
    const a: DpEntry = after[j].get(key!)!;
    const option = a.option!;
    const shelves = byAisle.get(j) ?? [];
    const stopsUp = [0, ...shelves, m.back];
    // Segment i joins stopsUp[i] and stopsUp[i + 1].
    for (let i = 0; i + 1 < stopsUp.length; i++) {
      let times = 0;
      if (option.move === 'THROUGH') times = 1;
      else if (option.move === 'THROUGH_TWICE') times = 2;
      else if (option.move === 'FROM_FRONT') times = i < shelves.length ? 2 : 0;
      else if (option.move === 'FROM_BACK') times = i > 0 ? 2 : 0;
      else if (option.move === 'GAP') times = i === option.gapAt ? 0 : 2;
      addEdge(binId(j, stopsUp[i]), binId(j, stopsUp[i + 1]), times);
    }
    const b: DpEntry = before[j].get(a.prev!)!;
    if (b.cross) {
      addEdge(binId(j - 1, 0), binId(j, 0), b.cross[0]);
      addEdge(binId(j - 1, m.back), binId(j, m.back), b.cross[1]);
    }
    key = b.prev;
  }
  const points = eulerCircuit(edges, binId(1, 0)).map((id) => {
    const [aisle, shelf] = id.split(':').map(Number);
    return { aisle, shelf };
  });
  // A closed tour is as long either way round; walk it so the first pick is the nearer end, which
  // makes the order predictable.
  const isBin = new Set(bins.map((b) => binId(b.aisle, b.shelf)));
  const first = points.find((p) => isBin.has(binId(p.aisle, p.shelf)))!;
  const last = [...points].reverse().find((p) => isBin.has(binId(p.aisle, p.shelf)))!;
  const depot = depotOf(1);
  const fromDepot = (p: { aisle: number; shelf: number }) => distanceOnFloor(depot, { floor: 1, ...p }, m);
  if (fromDepot(last) < fromDepot(first) - 1e-9) points.reverse();
  return { points };
}

/** Hierholzer: a closed walk using every edge once, from `start`; edges are taken in list order. */
function eulerCircuit(edges: [string, string][], start: string): string[] {
  const adjacent = new Map<string, { to: string; edge: number }[]>();
  const link = (from: string, to: string, edge: number) => {
    const list = adjacent.get(from) ?? [];
    adjacent.set(from, list);
    list.push({ to, edge });
  };
  edges.forEach(([a, b], edge) => {
    link(a, b, edge);
    link(b, a, edge);
  });
  const used = new Array<boolean>(edges.length).fill(false);
  const next = new Map<string, number>();
  const stack = [start];
  const circuit: string[] = [];
  while (stack.length) {
    const v = stack[stack.length - 1];
    const list = adjacent.get(v) ?? [];
    let i = next.get(v) ?? 0;
    while (i < list.length && used[list[i].edge]) i++;
    next.set(v, i);
    if (i < list.length) {
      used[list[i].edge] = true;
      stack.push(list[i].to);
    } else {
      circuit.push(stack.pop()!);
    }
  }
  if (used.some((u) => !u)) throw new Error('route: tour is not connected (a bug)');
  return circuit.reverse();
}

// ---- whole route ------------------------------------------------------------------------------

type Planner = (bins: Bin[], m: Metrics) => FloorPlan;

function plan(stops: readonly PickStop[], layout: FloorLayout, options: RouteOptions | undefined, methods: RouteMethod[]): PlannedRoute {
  const m = metricsOf(layout, options);
  const seen = new Set<string>();
  for (const s of stops) {
    if (seen.has(s.key)) throw new RangeError(`route: stop key ${JSON.stringify(s.key)} appears twice`);
    seen.add(s.key);
    if (!Number.isInteger(s.floor) || s.floor < 1 || !Number.isInteger(s.aisle) || s.aisle < 1 || !Number.isInteger(s.shelf) || s.shelf < 1 || s.shelf > layout.shelvesPerAisle) {
      throw new RangeError(`route: stop ${JSON.stringify(s.key)} is not a bin of this layout (floor ${s.floor}, aisle ${s.aisle}, shelf ${s.shelf})`);
    }
    if (layout.aislesPerFloor !== undefined && s.aisle > layout.aislesPerFloor) {
      throw new RangeError(`route: stop ${JSON.stringify(s.key)} is in aisle ${s.aisle}; the floor has ${layout.aislesPerFloor}`);
    }
  }

  const floors = new Map<number, Map<string, Bin>>();
  for (const s of stops) {
    const bins = floors.get(s.floor) ?? new Map<string, Bin>();
    floors.set(s.floor, bins);
    const id = binId(s.aisle, s.shelf);
    const bin = bins.get(id) ?? { aisle: s.aisle, shelf: s.shelf, keys: [] };
    bins.set(id, bin);
    bin.keys.push(s.key);
  }
  const floorOrder = [...floors.keys()].sort((a, b) => (a === m.startFloor ? -1 : b === m.startFloor ? 1 : a - b));

  const planners: Record<RouteMethod, Planner> = { OPTIMAL: optimalFloor, S_SHAPE: sShapeFloor };
  const path: Waypoint[] = [{ ...depotOf(m.startFloor), picks: [] }];
  const perFloor: FloorRoute[] = [];
  for (const floor of floorOrder) {
    const bins = [...floors.get(floor)!.values()];
    let chosen: { method: RouteMethod; waypoints: Waypoint[]; length: number } | null = null;
    for (const method of methods) {
      const waypoints = toWaypoints(floor, planners[method](bins, m).points, bins, m);
      const length = pathLength(waypoints, m);
      if (!chosen || length < chosen.length - 1e-9) chosen = { method, waypoints, length };
    }
    perFloor.push({ floor, lengthMeters: chosen!.length, method: chosen!.method });
    appendPath(path, chosen!.waypoints);
  }
  appendPath(path, [{ ...depotOf(m.startFloor), picks: [] }]);
  if (path.length === 1) path.length = 0;

  const lengthMeters = pathLength(path, m);
  const used = [...new Set(perFloor.map((f) => f.method))];
  return {
    order: path.flatMap((w) => w.picks),
    path,
    lengthMeters,
    method: used.length === 0 ? methods[0] : used.join('+'),
    perFloor,
  };
}

/** Positions → waypoints: picks on the first visit of each bin, straight-through points dropped. */
function toWaypoints(floor: number, points: FloorPlan['points'], bins: Bin[], m: Metrics): Waypoint[] {
  const keysAt = new Map(bins.map((b) => [binId(b.aisle, b.shelf), b.keys]));
  const picked = new Set<string>();
  const out: Waypoint[] = [];
  for (const p of points) {
    const id = binId(p.aisle, p.shelf);
    const keys = keysAt.get(id);
    const picks = keys && !picked.has(id) ? keys : [];
    if (keys) picked.add(id);
    const w: Waypoint = { floor, aisle: p.aisle, shelf: p.shelf, picks: [...picks] };
    const last = out[out.length - 1];
    if (last && last.aisle === w.aisle && last.shelf === w.shelf) {
      last.picks.push(...w.picks);
      continue;
    }
    // Drop a point the walk merely passes through in a straight line.
    const prev = out[out.length - 2];
    if (prev && last && last.picks.length === 0 && straightThrough(prev, last, w, m)) out.pop();
    out.push(w);
  }
  if (picked.size !== bins.length) throw new Error('route: a bin was left out (a bug)');
  return out;
}

function straightThrough(a: Position, b: Position, c: Position, m: Metrics): boolean {
  const between = (x: number, y: number, z: number) => (x < y && y < z) || (x > y && y > z);
  if (a.aisle === b.aisle && b.aisle === c.aisle) return between(a.shelf, b.shelf, c.shelf);
  const onCross = (p: Position) => p.shelf === 0 || p.shelf === m.back;
  if (onCross(a) && a.shelf === b.shelf && b.shelf === c.shelf) return between(a.aisle, b.aisle, c.aisle);
  return false;
}

function appendPath(path: Waypoint[], waypoints: Waypoint[]) {
  for (const w of waypoints) {
    const last = path[path.length - 1];
    if (last && last.floor === w.floor && last.aisle === w.aisle && last.shelf === w.shelf) last.picks.push(...w.picks);
    else path.push({ ...w, picks: [...w.picks] });
  }
}

/** The shortest practical walk: per floor the shorter of OPTIMAL and S_SHAPE (ties: OPTIMAL). */
export function planRoute(stops: readonly PickStop[], layout: FloorLayout, options?: RouteOptions): PlannedRoute {
  return plan(stops, layout, options, ['OPTIMAL', 'S_SHAPE']);
}

/** The S-shape (traversal) walk, for comparison and for pickers who prefer its simple rule. */
export function sShapeRoute(stops: readonly PickStop[], layout: FloorLayout, options?: RouteOptions): PlannedRoute {
  return plan(stops, layout, options, ['S_SHAPE']);
}

/** Length in metres of the S-shape walk (lifts included). */
export function sShapeLength(stops: readonly PickStop[], layout: FloorLayout, options?: RouteOptions): number {
  return sShapeRoute(stops, layout, options).lengthMeters;
}
