/** "Show the hosts of one group": a select over the groups the given hosts carry; nothing when none has a group. */
import { useServices } from '../context';

export function groupsOf(hosts: readonly { groups: string[] }[]): string[] {
  return [...new Set(hosts.flatMap((h) => h.groups))].sort((a, b) => a.localeCompare(b));
}

export function inGroup(group: string, h: { groups: string[] }): boolean {
  return group === '' || h.groups.includes(group);
}

export function GroupFilter({ id, groups, value, onChange }: { id: string; groups: string[]; value: string; onChange: (group: string) => void }) {
  const { i18n } = useServices();
  if (groups.length === 0) return null;
  return (
    <>
      <label class="text-sm" for={id}>{i18n.t('groups.label')}</label>
      <select id={id} class="input !w-auto" data-testid="group-filter" value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{i18n.t('groups.all')}</option>
        {groups.map((g) => <option key={g} value={g}>{g}</option>)}
      </select>
    </>
  );
}
