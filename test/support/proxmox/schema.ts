import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParamValue, Params } from './core.js';

/**
 * PVE's parameter validation (pve-common JSONSchema.pm check_prop/check_type/check_object), driven by
 * pve-api-schema.json: a copy of /work/shared/reference/pve-api-schema.json (extracted from pve-docs 9.1.3
 * api-viewer/apidata.js). Checks run in PVE's order: type, format, pattern, maxLength, minLength, maximum, minimum,
 * enum; the first failure per key stops that key's checks.
 */

export interface PropSchema {
  type?: string;
  optional?: number;
  enum?: string[];
  pattern?: string;
  format?: string | Record<string, unknown>;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface MethodSchema {
  name: string;
  allowtoken: number;
  protected: number;
  proxyto: string | null;
  additionalProperties: number;
  permissions: { user?: string; check?: [string, string, string[], ...unknown[]]; description?: string };
  properties: Record<string, PropSchema>;
}

interface SchemaFile {
  paths: Record<string, Record<string, MethodSchema>>;
}

const file = JSON.parse(
  readFileSync(fileURLToPath(new URL('./pve-api-schema.json', import.meta.url)), 'utf8'),
) as SchemaFile;

interface Template {
  template: string;
  parts: string[];
  methods: Record<string, MethodSchema>;
}

const templates: Template[] = Object.entries(file.paths).map(([template, methods]) => ({
  template,
  parts: template.split('/').filter(Boolean),
  methods,
}));

export interface RouteMatch {
  template: string;
  methods: Record<string, MethodSchema>;
  uriParams: Record<string, string>;
}

/** The schema path matching `path`; literal segments win over `{param}` ones. */
export function matchPath(path: string): RouteMatch | null {
  const parts = path.split('/').filter(Boolean);
  let best: { t: Template; literal: number; params: Record<string, string> } | null = null;
  for (const t of templates) {
    if (t.parts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literal = 0;
    const ok = t.parts.every((seg, i) => {
      const p = /^\{(.+)\}$/.exec(seg);
      if (p) {
        params[p[1]] = safeDecode(parts[i]);
        return true;
      }
      literal++;
      return seg === parts[i];
    });
    if (ok && (!best || literal > best.literal)) best = { t, literal, params };
  }
  return best && { template: best.t.template, methods: best.t.methods, uriParams: best.params };
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Validates params against a method's schema; returns PVE's `errors` object (empty when valid). */
export function validate(schema: MethodSchema, params: Params): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (k: string, msg: string): void => {
    errors[k] = errors[k] ? `${errors[k]}\\n${msg}` : msg;
  };
  for (const [k, prop] of Object.entries(schema.properties)) {
    const value = params[k];
    if (value === undefined) {
      if (!prop.optional) add(k, 'property is missing and it is not optional');
      continue;
    }
    const msg = checkProp(prop, value);
    if (msg) add(k, msg);
  }
  if (!schema.additionalProperties) {
    for (const k of Object.keys(params).sort()) {
      if (!(k in schema.properties)) {
        add(k, 'property is not defined in schema and the schema does not allow additional properties');
      }
    }
  }
  return errors;
}

function checkProp(prop: PropSchema, value: ParamValue): string | null {
  const typeError = checkType(prop.type, value);
  if (typeError) return typeError;
  if (typeof value === 'boolean') return null;
  const s = String(value);
  if (typeof prop.format === 'string') {
    const formatError = checkFormat(prop.format, s);
    if (formatError) return `invalid format - ${formatError}\n`;
  }
  if (prop.pattern && !new RegExp(`^(?:${prop.pattern})$`).test(s)) return 'value does not match the regex pattern';
  if (prop.maxLength !== undefined && s.length > prop.maxLength) {
    return `value may only be ${prop.maxLength} characters long`;
  }
  if (prop.minLength !== undefined && s.length < prop.minLength) {
    return `value must be at least ${prop.minLength} characters long`;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    if (prop.maximum !== undefined && Number(s) > prop.maximum) return `value must have a maximum value of ${prop.maximum}`;
    if (prop.minimum !== undefined && Number(s) < prop.minimum) return `value must have a minimum value of ${prop.minimum}`;
  }
  if (prop.enum && !prop.enum.includes(s)) {
    return `value '${s}' does not have a value in the enumeration '${prop.enum.join(', ')}'`;
  }
  return null;
}

function checkType(type: string | undefined, value: ParamValue): string | null {
  // JSON true/false pass a boolean check only; form values are strings and must be exactly '1' or '0'
  if (typeof value === 'boolean') return type === 'boolean' ? null : `type check ('${type}') failed - got JSON::PP::Boolean`;
  const s = String(value);
  if (type === 'boolean' && s !== '1' && s !== '0') return `type check ('boolean') failed - got '${s}'`;
  if (type === 'integer' && !/^[+-]?\d+$/.test(s)) return `type check ('integer') failed - got '${s}'`;
  if (type === 'number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    return `type check ('number') failed - got '${s}'`;
  }
  return null;
}

/** The formats the dashboard's paths use, with pve-common's / pve-access-control's / pve-storage's texts. */
const FORMATS: Record<string, (v: string) => string | null> = {
  'pve-node': (v) => (/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v) ? null : 'value does not look like a valid node name'),
  'pve-vmid': (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? null : 'value does not look like a valid VM ID'),
  'pve-configid': (v) => (/^[a-z][a-z0-9_-]+$/i.test(v) ? null : `invalid configuration ID '${v}'`),
  'pve-storage-id': (v) =>
    v.length < 2 ? `storage ID '${v}' cannot be shorter than 2 characters`
    : /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? null
    : `storage ID '${v}' contains illegal characters`,
  'pve-realm': (v) => (/^[A-Za-z][A-Za-z0-9.\-_]+$/.test(v) ? null : 'value does not look like a valid realm'),
  'pve-storage-content': (v) =>
    ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import', 'none'].includes(v) ? null
    : `invalid content type '${v}'`,
  CIDR: (v) => (/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(v) ? null : 'value does not look like a valid CIDR network'),
};

function checkFormat(format: string, value: string): string | null {
  const m = /^(.*?)(?:-(list|opt))?$/.exec(format);
  const name = m?.[1] ?? format;
  const check = FORMATS[name];
  if (!check) return null; // formats the simulator does not model are accepted
  if (m?.[2] === 'opt') return value ? check(value) : null;
  if (m?.[2] === 'list') {
    for (const item of value.split(/[;,\s\0]+/).filter(Boolean)) {
      const err = check(item);
      if (err) return err;
    }
    return null;
  }
  return check(value);
}
