// The test lab's public contract: N "hosts" on this machine, each a real sshd on its own loopback address and a real
// dockerd with its own socket (LAB.md). Integration tests, benches and the CLI code against these types only.

export interface ExecOut {
  stdout: string;
  stderr: string;
  code: number;
}

export interface LabHost {
  /** 1-based index within the lab's address range; the address is 127.0.0.(10+index). */
  index: number;
  /** "lab<index>": also its hostname (own UTS namespace) and its `docker info` Name. */
  name: string;
  address: string;
  port: number;
  /** Short directory holding everything of this host (unix socket paths are limited to 108 bytes). */
  dir: string;
  /** unix://<dir>/d.sock; SSH sessions on this host get it as DOCKER_HOST (sshd SetEnv). */
  dockerHost: string;
  /** docker CLI straight on the host's socket (no SSH, no shell). Never throws on a non-zero exit: look at `code`. */
  docker(args: string[], opts?: { timeoutMs?: number }): Promise<ExecOut>;
  /** "SHA256:<base64 without padding>", as OpenSSH prints it. */
  hostKeyFingerprint(): Promise<string>;
  /** SIGTERM dockerd and wait until it is gone (SSH keeps working; docker then fails "Cannot connect ..."). */
  stopDocker(): Promise<void>;
  /** Start dockerd again and wait until it answers. Containers come back stopped: call seed() to recreate them. */
  startDocker(): Promise<void>;
  /** Stop the sshd listener: new connections are refused; open ones survive. */
  stopSshd(): Promise<void>;
  startSshd(): Promise<void>;
  /** iptables DROP on address:port: new connections hang and open ones stall. Idempotent. */
  hang(): Promise<void>;
  /** Remove exactly the rule hang() added. Idempotent. */
  unhang(): Promise<void>;
  /** New ed25519 host key; sshd restarted with it. */
  regenerateHostKey(): Promise<void>;
  /** (Re)create the seed containers, network, volume and compose project; waits until their states settle. */
  seed(): Promise<void>;
}

export interface Lab {
  hosts: LabHost[];
  /** ed25519 private key (OpenSSH format, mode 0600) authorized for `automation` on every host. */
  clientKeyPath: string;
  clientPublicKey: string;
  /** The image every host has: 'homelab/busybox:1'. */
  image: string;
  /** Kill everything this lab started, remove its host dirs and iptables rules. Idempotent. */
  stop(): Promise<void>;
}

export interface StartLabOptions {
  hosts: number;
  /** Preferred first index (default 1). Indexes held by another live lab (or a foreign listener) are skipped. */
  firstIndex?: number;
  /** Create the seed containers (default true). */
  seed?: boolean;
  /** Base directory (default /tmp/hl). Keep it short: unix socket paths. */
  root?: string;
}

/** What a lab's descriptor file holds: enough for another process to drive the same hosts. */
export interface LabDescriptor {
  root: string;
  image: string;
  clientKeyPath: string;
  clientPublicKey: string;
  user: string;
  /** Process that owns the lab (stops it), or null for a lab left running by the CLI. */
  ownerPid: number | null;
  hosts: Array<Pick<LabHost, 'index' | 'name' | 'address' | 'port' | 'dir' | 'dockerHost'>>;
}

/** Seed container names, so tests need not spell them out. */
export const SEED = {
  web: 'web',
  sick: 'sick',
  exited: 'exited',
  paused: 'paused',
  noisy: 'noisy',
  worker: 'worker',
  idleStopped: 'idle-stopped',
  composeProject: 'shop',
  network: 'labnet',
  volume: 'webdata',
  webPort: 18080,
} as const;

export const LAB_IMAGE = 'homelab/busybox:1';
export const LAB_USER = 'automation';
export const DEFAULT_LAB_ROOT = '/tmp/hl';
/** Environment variable holding the path of the shared lab's descriptor (set by global-setup.ts). */
export const LAB_DESCRIPTOR_ENV = 'HOMELAB_LAB_DESCRIPTOR';
