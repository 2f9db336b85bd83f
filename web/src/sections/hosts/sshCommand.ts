/**
 * The one-line command a user runs on a host (as a sudoer) to let the dashboard in: creates the user
 * if missing, adds it to the docker group, and appends the dashboard's public key once, with the
 * permissions sshd's StrictModes expects.
 */

/** Keeps only what an OpenSSH public key line contains, so nothing can break out of the quotes. */
export function safeKey(key: string): string {
  return key.trim().replace(/[^A-Za-z0-9+/=@._: -]/g, '');
}

export function safeUser(user: string): string {
  return /^[a-z_][a-z0-9_-]{0,31}$/.test(user) ? user : 'automation';
}

export function authorizeCommand(user: string, publicKey: string): string {
  const u = safeUser(user);
  const k = safeKey(publicKey);
  const f = '"$H/.ssh/authorized_keys"';
  return (
    `sudo sh -c 'id -u ${u} >/dev/null 2>&1 || useradd -m -s /bin/bash ${u}; ` +
    `usermod -aG docker ${u}; ` +
    `H=$(getent passwd ${u} | cut -d: -f6); ` +
    `install -d -m 700 -o ${u} -g "$(id -gn ${u})" "$H/.ssh"; ` +
    `grep -qxF "${k}" ${f} 2>/dev/null || echo "${k}" >> ${f}; ` +
    `chown ${u}: ${f}; chmod 600 ${f}'`
  );
}
