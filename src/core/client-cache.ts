/**
 * One API client per remote server (a Portainer server, a Proxmox cluster), kept while what it was made from stays
 * the same: the client holds the session (JWT, ticket), and one client per server is what keeps logins to one at a
 * time. A change of address, credentials or trust (`key`) closes the old client and makes a new one.
 */
export class ClientCache<Api extends { close(): void }> {
  private readonly clients = new Map<number, { key: string; api: Api }>();

  get(id: number, key: string, make: () => Api): Api {
    const known = this.clients.get(id);
    if (known?.key === key) return known.api;
    known?.api.close();
    const api = make();
    this.clients.set(id, { key, api });
    return api;
  }

  drop(id: number): void {
    this.clients.get(id)?.api.close();
    this.clients.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.clients.keys()]) this.drop(id);
  }
}
