/** "Collect now" from a host card or a host's detail view: one collection, with the sections that failed. */
import type { Api } from '../../api/api';
import type { CollectResult } from '../../../../src/core/types';

/** The sections a partial collection could not read, one "section: message" each; empty when all went well. */
export function collectErrors(r: CollectResult): string {
  return r.errors.map((e) => `${e.section}: ${e.message}`).join('; ');
}

/** Collects now; a partial collection is an error (shown in a toast), with what failed. */
export async function collectNow(api: Api, hostId: number): Promise<CollectResult> {
  const r = await api.collect(hostId);
  const failed = collectErrors(r);
  if (failed) throw new Error(failed);
  return r;
}
