// What a migrated database looks like, read from the database itself (SQLite pragmas, PostgreSQL catalogs), so a
// migration test covers every table that references another, including tables added after the test was written.
import { type Kysely, sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface ForeignKey {
  table: string;
  column: string;
  onDelete: 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'RESTRICT' | 'SET DEFAULT';
}

export interface Column {
  name: string;
  type: string; // lower case, as the database names it
  notNull: boolean;
  hasDefault: boolean;
  /** SQLite's `integer primary key` (the row id) or a PostgreSQL serial: the database fills it in. */
  generated: boolean;
}

const PG_DELETE: Record<string, ForeignKey['onDelete']> = { c: 'CASCADE', n: 'SET NULL', a: 'NO ACTION', r: 'RESTRICT', d: 'SET DEFAULT' };

/** Every single-column foreign key that references `target`, sorted by table. */
export async function foreignKeysTo(db: Kysely<any>, dialect: DialectName, target: string): Promise<ForeignKey[]> {
  let keys: ForeignKey[];
  if (dialect === 'postgres') {
    const r = await sql<{ table: string; column: string; deltype: string }>`
      select c.conrelid::regclass::text as "table", a.attname as "column", c.confdeltype as deltype
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.confrelid = ${target}::regclass`.execute(db);
    keys = r.rows.map((k) => ({ table: k.table, column: k.column, onDelete: PG_DELETE[k.deltype]! }));
  } else {
    const r = await sql<{ table: string; column: string; on_delete: ForeignKey['onDelete'] }>`
      select m.name as "table", f."from" as "column", f.on_delete
      from sqlite_master m join pragma_foreign_key_list(m.name) f
      where m.type = 'table' and f."table" = ${target}`.execute(db);
    keys = r.rows.map((k) => ({ table: k.table, column: k.column, onDelete: k.on_delete }));
  }
  return keys.sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
}

export async function columnsOf(db: Kysely<any>, dialect: DialectName, table: string): Promise<Column[]> {
  if (dialect === 'postgres') {
    const r = await sql<{ name: string; type: string; is_nullable: string; column_default: string | null }>`
      select column_name as name, data_type as type, is_nullable, column_default
      from information_schema.columns where table_schema = current_schema() and table_name = ${table}
      order by ordinal_position`.execute(db);
    return r.rows.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      notNull: c.is_nullable === 'NO',
      hasDefault: c.column_default !== null,
      generated: c.column_default?.startsWith('nextval(') ?? false,
    }));
  }
  const r = await sql<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>`
    select name, type, "notnull", dflt_value, pk from pragma_table_info(${table})`.execute(db);
  return r.rows.map((c) => ({
    name: c.name,
    type: c.type.toLowerCase(),
    notNull: c.notnull === 1 || c.pk > 0,
    hasDefault: c.dflt_value !== null,
    generated: c.pk > 0 && c.type.toLowerCase() === 'integer',
  }));
}

export async function indexNames(db: Kysely<any>, dialect: DialectName, table: string): Promise<string[]> {
  const r =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ${table}`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
  return r.rows.map((i) => i.name).sort();
}

/**
 * A row for `table` with `fkColumn` = `refId` and a made-up value in every other column that must have one: text
 * names its column and the referenced id (so unique columns stay unique per id), numbers are the id.
 */
export function rowFor(columns: Column[], fkColumn: string, refId: number): Record<string, unknown> {
  const row: Record<string, unknown> = { [fkColumn]: refId };
  for (const c of columns) {
    if (c.name === fkColumn || c.generated || !c.notNull || c.hasDefault) continue;
    if (/int|serial/.test(c.type)) row[c.name] = refId;
    else if (/double|real|numeric|float/.test(c.type)) row[c.name] = refId + 0.5;
    else if (/bool/.test(c.type)) row[c.name] = false;
    else row[c.name] = `${c.name}-${refId}`;
  }
  return row;
}
