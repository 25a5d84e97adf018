/**
 * Packed nodes (capture protocol v2, docs/capture-protocol.md "Packed nodes"): rrweb's serialised DOM nodes written
 * shorter before the batch is compressed. Ids become implicit (document order) or relative, and an element becomes
 * `[tagName, attributes, extra?, children?]`; a text node is its string, or a number for a line break and that many
 * spaces (the indentation between table cells and list items, half the text nodes of such pages). Fields rrweb left
 * undefined are not sent by JSON, so they do not count. A full snapshot's `data.node` goes as `data.n`, a mutation's
 * `data.adds` as `data.a`; the appliance writes the rrweb events back before it looks at them. Gzip's 32 KB window
 * cannot see far enough back to make up for rrweb's verbose node objects: on a page that redraws tables this halves
 * the bytes sent (docs/benchmarks.md).
 *
 * Packing is lossless or not done: an event whose nodes do not have the expected shape is sent as rrweb made it.
 */
import { EventType, type RecordedEvent } from './envelope';

type Node = Record<string, unknown>;
type Packed = string | number | unknown[] | Node;

/** rrweb's mutation event source. */
const MUTATION = 0;
const ELEMENT = 2;
const TEXT = 3;

/** The event with its nodes packed; the same event when it has none or they do not have rrweb's shape. */
export function packEvent(event: RecordedEvent): RecordedEvent {
  const data = event.data as Node | null;
  if (data === null || typeof data !== 'object') return event;
  if (event.type === EventType.FullSnapshot && 'node' in data && !('n' in data)) {
    const packed = packTree(data.node);
    if (packed === undefined) return event;
    const { node: _node, ...rest } = data;
    return { ...event, data: { ...rest, n: packed } };
  }
  if (event.type === EventType.IncrementalSnapshot && data.source === MUTATION && Array.isArray(data.adds) && !('a' in data)) {
    const rows = packAdds(data.adds);
    if (rows === undefined) return event;
    const { adds: _adds, ...rest } = data;
    return { ...event, data: { ...rest, a: rows } };
  }
  return event;
}

/** A snapshot's root packed; ids are implicit from 1 in document order. */
function packTree(root: unknown): Packed | undefined {
  const next = { id: 1 };
  try {
    return packNode(root, next);
  } catch {
    return undefined;
  }
}

/** `[idDelta, parentId - id, nextId - id or 0, node]` per added node; ids relative to the row before. */
function packAdds(adds: unknown[]): unknown[][] | undefined {
  const rows: unknown[][] = [];
  let previous = 0;
  try {
    for (const add of adds) {
      if (!isNode(add) || !isNode(add.node) || Object.keys(add).length !== 3) return undefined;
      const { parentId, nextId, node } = add;
      const id = node.id;
      if (!isId(id) || !isId(parentId) || (nextId !== null && !isId(nextId))) return undefined;
      rows.push([id - previous, parentId - id, nextId === null ? 0 : nextId - id, packNode(node, { id })]);
      previous = id;
    }
  } catch {
    return undefined;
  }
  return rows;
}

/** One node and its children; `next.id` is the implicit id, advanced past the subtree. Throws on a foreign shape. */
function packNode(node: unknown, next: { id: number }): Packed {
  if (!isNode(node) || !isId(node.id)) throw new Error('not a node');
  const { id, type, textContent } = node;
  const implicit = id === next.id;
  next.id = id + 1;
  if (type === TEXT && implicit && typeof textContent === 'string' && !hasOther(node, TEXT_FIELDS)) {
    return INDENT.test(textContent) ? textContent.length - 1 : textContent;
  }
  const children = Array.isArray(node.childNodes) ? node.childNodes.map((c) => packNode(c, next)) : undefined;
  if (type === ELEMENT && typeof node.tagName === 'string' && isNode(node.attributes) && children) {
    const packed: unknown[] = [node.tagName, node.attributes];
    if (!implicit || hasOther(node, ELEMENT_FIELDS)) {
      const { type: _t, tagName: _n, attributes: _a, childNodes: _c, id: _id, ...rest } = node;
      packed.push(implicit ? rest : { id, ...rest });
    }
    if (children.length > 0) packed.push(children);
    return packed;
  }
  const { id: _id, ...rest } = node;
  const other: Node = implicit ? rest : { id, ...rest }; // an explicit id first: the appliance reads in one pass
  if (children) other.childNodes = children;
  return other;
}

/** A line break and 0 to 999 spaces: sent as the number of spaces. */
const INDENT = /^\n {0,999}$/;
const TEXT_FIELDS = new Set(['type', 'textContent', 'id']);
const ELEMENT_FIELDS = new Set(['type', 'tagName', 'attributes', 'childNodes', 'id']);

/**
 * Whether the node has a field JSON writes besides `fields` (rrweb leaves some, such as `rootId` and `isStyle`,
 * undefined: JSON leaves those out).
 */
function hasOther(node: Node, fields: Set<string>): boolean {
  for (const key in node) if (node[key] !== undefined && !fields.has(key)) return true;
  return false;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= 0x7fffffff;
}
