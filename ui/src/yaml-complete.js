// Key completion for a YAML run config from its JSON Schema, by indentation: the keys of
// the mapping the cursor is in, also right under a parent that has no child yet
// ("solids:\n  ad|") and on an empty line, minus the keys already written there.

function objectBranch(root, node) {
  if (!node) return null;
  if (node.$ref && node.$ref.startsWith("#/")) {
    node = node.$ref.slice(2).split("/").reduce((n, part) => (n ? n[part] : null), root);
    if (!node) return null;
  }
  if (node.properties || node.type === "object") return node;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const branch of node[key] || []) {
      const found = objectBranch(root, branch);
      if (found) return found;
    }
  }
  return null;
}

export function schemaAt(root, path) {
  let node = objectBranch(root, root);
  for (const part of path) {
    if (!node) return null;
    if (part === "[]") {
      node = objectBranch(root, node.items);
      continue;
    }
    const next = (node.properties && node.properties[part]) ||
      (typeof node.additionalProperties === "object" ? node.additionalProperties : null);
    node = objectBranch(root, next);
  }
  return node;
}

const KEY = /^(\s*)(-\s+)?([^\s:#][^:#]*?)\s*:(\s|$)/;

function indentOf(line) {
  return line.length - line.trimStart().length;
}

function blank(line) {
  const text = line.trim();
  return !text || text.startsWith("#");
}

// The keys from the document's root to the mapping whose keys sit at `indent` on line `at`.
export function parentPath(lines, at, indent) {
  const path = [];
  let current = indent;
  for (let i = at - 1; i >= 0 && current > 0; i--) {
    if (blank(lines[i])) continue;
    const lineIndent = indentOf(lines[i]);
    if (lineIndent >= current) continue;
    const match = KEY.exec(lines[i]);
    if (lines[i].trimStart().startsWith("- ")) {
      if (match && lineIndent + 2 < current) path.unshift(match[3]);
      path.unshift("[]");
    } else if (match) {
      path.unshift(match[3].replace(/^["']|["']$/g, ""));
    } else {
      return null; // not a block mapping we understand
    }
    current = lineIndent;
  }
  return path;
}

// Keys already present in the same mapping as line `at` (same indent, same parent).
export function siblingKeys(lines, at, indent) {
  const keys = new Set();
  for (const step of [-1, 1]) {
    for (let i = at + step; i >= 0 && i < lines.length; i += step) {
      if (blank(lines[i])) continue;
      const lineIndent = indentOf(lines[i]);
      if (lineIndent < indent) break;
      const match = KEY.exec(lines[i]);
      if (lineIndent === indent && match) keys.add(match[3]);
    }
  }
  return keys;
}

// True when a value here can only be a mapping (then the key opens an indented block).
function isMappingOnly(root, prop) {
  if (!objectBranch(root, prop)) return false;
  const branches = prop.anyOf || prop.oneOf || [prop];
  return branches.every((b) => b.type === "object" || (b.properties && !b.type));
}

function describe(prop) {
  const parts = [];
  const type = prop.type || (prop.anyOf ? prop.anyOf.map((b) => b.type || "object").join(" | ") : "");
  if (type) parts.push(Array.isArray(type) ? type.join(" | ") : type);
  if (prop.default !== undefined && typeof prop.default !== "object") parts.push(`default ${JSON.stringify(prop.default)}`);
  return parts.join(", ");
}

// Completions for the cursor at `column` of line `at` (0-based), or null. Each option:
// {label, detail, info, apply, required}.
export function completeKeys(schema, lines, at, column) {
  const before = lines[at].slice(0, column);
  const match = /^(\s*)(-\s+)?([\w.-]*)$/.exec(before);
  if (!match) return null;
  const indent = match[1].length + (match[2] ? match[2].length : 0);
  const path = parentPath(lines, at, indent);
  if (path === null) return null;
  const node = schemaAt(schema, path);
  if (!node || !node.properties) return null;
  const present = siblingKeys(lines, at, indent);
  const required = new Set(node.required || []);
  const options = Object.entries(node.properties)
    .filter(([name]) => !present.has(name))
    .map(([name, prop]) => {
      const nested = isMappingOnly(schema, prop);
      return {
        label: name,
        detail: describe(prop),
        info: prop.description || "",
        apply: nested ? `${name}:\n${" ".repeat(indent + 2)}` : `${name}: `,
        required: required.has(name),
      };
    });
  return { from: column - match[3].length, options, path };
}
