import { parseDocument } from 'yaml';

/** One host found in an Ansible YAML inventory. */
export interface InventoryHost {
  name: string;
  host: string; // ansible_host, or the inventory name
  port: number | null; // ansible_port
  username: string | null; // ansible_user
  groups: string[];
}

export class InventoryError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'InventoryError';
  }
}

type Vars = Record<string, unknown>;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses an Ansible YAML inventory (`all:` with `hosts`, `children`, `vars`, nested to any depth). Group vars are
 * inherited by the hosts below them; host vars win. A host listed in several groups is one host with every group.
 */
export function parseAnsibleInventory(text: string): InventoryHost[] {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new InventoryError(`invalid YAML: ${e.message.split('\n')[0]}`, e.linePos?.[0]?.line ?? null);
  }
  const root = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (root === null || root === undefined) return [];
  if (!isMap(root)) throw new InventoryError('an inventory is a mapping of groups (e.g. "all:")', 1);

  const found = new Map<string, { vars: Vars; groups: Set<string> }>();
  const visit = (groupName: string, group: unknown, inherited: Vars, depth: number) => {
    if (depth > 32) throw new InventoryError(`groups nested too deeply under ${groupName}`, null);
    if (group === null || group === undefined) return;
    if (!isMap(group)) throw new InventoryError(`group "${groupName}" must be a mapping with hosts/children/vars`, null);
    const vars: Vars = { ...inherited, ...(isMap(group.vars) ? group.vars : {}) };
    if (group.hosts !== undefined && group.hosts !== null) {
      if (!isMap(group.hosts)) throw new InventoryError(`"hosts" of group "${groupName}" must be a mapping`, null);
      for (const [name, hv] of Object.entries(group.hosts)) {
        if (hv !== null && !isMap(hv)) throw new InventoryError(`host "${name}" must have a mapping of variables`, null);
        const entry = found.get(name) ?? { vars: {}, groups: new Set<string>() };
        entry.vars = { ...vars, ...entry.vars, ...(hv ?? {}) };
        if (groupName !== 'all' && groupName !== 'ungrouped') entry.groups.add(groupName);
        found.set(name, entry);
      }
    }
    if (group.children !== undefined && group.children !== null) {
      if (!isMap(group.children)) throw new InventoryError(`"children" of group "${groupName}" must be a mapping`, null);
      for (const [child, cg] of Object.entries(group.children)) visit(child, cg, vars, depth + 1);
    }
  };
  for (const [groupName, group] of Object.entries(root)) visit(groupName, group, {}, 0);

  return [...found.entries()].map(([name, { vars, groups }]) => {
    const port = vars.ansible_port ?? vars.ansible_ssh_port;
    const portNum = port === undefined ? null : Number(port);
    if (portNum !== null && !(Number.isInteger(portNum) && portNum >= 1 && portNum <= 65535)) {
      throw new InventoryError(`host "${name}": ansible_port must be 1-65535, got ${String(port)}`, null);
    }
    const user = vars.ansible_user ?? vars.ansible_ssh_user;
    return {
      name,
      host: String(vars.ansible_host ?? vars.ansible_ssh_host ?? name),
      port: portNum,
      username: user === undefined || user === null ? null : String(user),
      groups: [...groups].sort(),
    };
  });
}
