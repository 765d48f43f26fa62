// A deliberately small YAML emitter for plain JSON-like data (objects, arrays, strings, numbers,
// booleans, null). It exists so the spec generator needs no dependencies and produces stable,
// diff-friendly output: block style everywhere, keys in insertion order, strings quoted only when
// a plain scalar would be ambiguous.

const RESERVED = new Set(["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]);

function isPlainString(s) {
  if (s.length === 0 || s !== s.trim()) return false;
  if (RESERVED.has(s.toLowerCase())) return false;
  return /^[A-Za-z_$/][A-Za-z0-9_$./ (),'-]*$/.test(s) && !s.includes(" #") && !s.includes(": ");
}

function scalar(v) {
  if (v === null) return "null";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (typeof v === "string") return isPlainString(v) ? v : JSON.stringify(v);
  throw new Error(`cannot emit scalar of type ${typeof v}`);
}

function isLeaf(v) {
  if (v === null || typeof v !== "object") return true;
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function leaf(v) {
  if (Array.isArray(v)) return "[]";
  if (v !== null && typeof v === "object") return "{}";
  return scalar(v);
}

const pad = (n) => " ".repeat(n);
const WIDTH = 110;

// Long single-line prose is emitted as a folded block scalar, which YAML reads back with every
// line break turned into one space. Only strings that survive that round trip qualify.
function isFoldable(s, indent) {
  return s.length + indent > WIDTH && !s.includes("\n") && s === s.trim() && !/\s\s/.test(s);
}

// Multi-line text becomes a literal block scalar unless its first line starts with whitespace
// (would need an indentation indicator) or it ends in more than one newline (would need `|+`).
function isLiteral(s) {
  return s.includes("\n") && !/^\s/.test(s) && !s.endsWith("\n\n");
}

function wrap(s, width) {
  const lines = [];
  let line = "";
  for (const word of s.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function emitMap(obj, indent) {
  const lines = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const key = isPlainString(k) ? k : JSON.stringify(k);
    if (typeof v === "string" && isFoldable(v, indent)) {
      lines.push(`${pad(indent)}${key}: >-`);
      for (const line of wrap(v, WIDTH - indent - 2)) lines.push(`${pad(indent + 2)}${line}`);
    } else if (typeof v === "string" && isLiteral(v)) {
      // `|` keeps exactly one final newline, `|-` none.
      const body = v.endsWith("\n") ? v.slice(0, -1) : v;
      lines.push(`${pad(indent)}${key}: ${v.endsWith("\n") ? "|" : "|-"}`);
      for (const line of body.split("\n")) lines.push(line.length ? `${pad(indent + 2)}${line}` : "");
    } else if (isLeaf(v)) {
      lines.push(`${pad(indent)}${key}: ${leaf(v)}`);
    } else if (Array.isArray(v)) {
      lines.push(`${pad(indent)}${key}:`);
      lines.push(...emitSeq(v, indent + 2));
    } else {
      lines.push(`${pad(indent)}${key}:`);
      lines.push(...emitMap(v, indent + 2));
    }
  }
  return lines;
}

function emitSeq(arr, indent) {
  const lines = [];
  for (const item of arr) {
    if (isLeaf(item)) {
      lines.push(`${pad(indent)}- ${leaf(item)}`);
    } else if (Array.isArray(item)) {
      const sub = emitSeq(item, indent + 2);
      sub[0] = `${pad(indent)}- ${sub[0].trimStart()}`;
      lines.push(...sub);
    } else {
      const sub = emitMap(item, indent + 2);
      sub[0] = `${pad(indent)}- ${sub[0].trimStart()}`;
      lines.push(...sub);
    }
  }
  return lines;
}

/** Serialise a JSON-compatible value as a YAML document (trailing newline included). */
export function toYaml(value) {
  if (isLeaf(value)) return `${leaf(value)}\n`;
  const lines = Array.isArray(value) ? emitSeq(value, 0) : emitMap(value, 0);
  return `${lines.join("\n")}\n`;
}
