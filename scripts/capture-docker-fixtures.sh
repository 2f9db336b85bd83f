#!/bin/sh
# Captures real docker CLI output into test/fixtures/docker/ for the parser unit tests
# (src/providers/docker/parse*.test.ts). See test/fixtures/docker/README.md.
#
# Starts a throwaway dockerd (LAB.md recipe) in $D, imports a busybox image, creates containers in every
# state the dashboard cares about, then saves the raw outputs of the commands that commands.ts builds
# (the collect script is produced by commands.ts itself, so the fixture is exactly what a host answers).
# Everything it starts is stopped and removed on exit. Run as root from the repository root:
#   sh scripts/capture-docker-fixtures.sh
set -eu

ROOT=$(pwd)
OUT=${OUT:-$ROOT/test/fixtures/docker}
D=${D:-/tmp/hdcap}
export DOCKER_HOST="unix://$D/d.sock"
IMG=homelab/busybox:1

[ -f "$ROOT/src/providers/docker/commands.ts" ] || { echo "run from the repository root" >&2; exit 2; }
command -v dockerd >/dev/null || { echo "needs dockerd (apt-get install docker.io)" >&2; exit 2; }
[ -x /bin/busybox ] || { echo "needs busybox-static" >&2; exit 2; }

cleanup() {
  if [ -f "$D/docker.pid" ]; then
    docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
    kill "$(cat "$D/docker.pid")" 2>/dev/null || true
    i=0; while [ -f "$D/docker.pid" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
  fi
  # vfs layers and the exec root may hold mounts; unmount before removing.
  grep " $D/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$D"
}
trap cleanup EXIT INT TERM

# Prints the command line commands.ts builds for a TS expression (e.g. "collectScript({inspect:'all'})").
built() {
  (cd "$ROOT" && npx --no-install tsx -e "import * as c from './src/providers/docker/commands.ts'; process.stdout.write(c.$1)")
}

cleanup
mkdir -p "$D" "$OUT"
printf '{"deprecated-key-path": "%s/key.json"}\n' "$D" > "$D/daemon.json"
dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=vfs \
  --data-root "$D/data" --exec-root "$D/x" -H "$DOCKER_HOST" --pidfile "$D/docker.pid" \
  --group docker --config-file "$D/daemon.json" >"$D/dockerd.log" 2>&1 &
i=0; until docker version >/dev/null 2>&1; do
  i=$((i+1)); [ $i -lt 100 ] || { echo "dockerd did not start" >&2; tail -20 "$D/dockerd.log" >&2; exit 1; }
  sleep 0.2
done
T0=$(date +%s)

# Image from busybox-static (no registry here).
mkdir -p "$D/rootfs/bin"
cp /bin/busybox "$D/rootfs/bin/busybox"
for a in sh sleep httpd echo cat wget true false ls date mkdir; do ln -s busybox "$D/rootfs/bin/$a"; done
tar -C "$D/rootfs" -c . | docker import -c 'CMD ["sh"]' - "$IMG" >/dev/null
docker tag "$IMG" homelab/busybox:latest

docker network create --driver bridge --subnet 172.31.250.0/24 --label homelab.lab=1 labnet >/dev/null
docker volume create --label homelab.lab=1 --label 'homelab.note=a,b' webdata >/dev/null

# running + healthy, published port, an unpublished (exposed) port, user network, named volume, labels
# including a value with a comma (ps joins labels with commas; inspect keeps them apart).
docker run -d --name web --init --network labnet -p 127.0.0.1:18080:8080 --expose 9000 -v webdata:/data \
  --label homelab.monitor=true --label homelab.desired=running --label 'homelab.note=a,b=c' \
  --health-cmd 'wget -q -O /dev/null http://127.0.0.1:8080/' --health-interval 2s \
  "$IMG" sh -c 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
# running + unhealthy
docker run -d --name sick --init --label homelab.monitor=true \
  --health-cmd false --health-interval 2s --health-retries 1 "$IMG" sleep 100000 >/dev/null
# exited with code 3, with one line on stdout and one on stderr
docker run -d --name exited --label homelab.monitor=true --label homelab.desired=running \
  "$IMG" sh -c 'echo out; echo err >&2; exit 3' >/dev/null
# paused
docker run -d --name paused --init "$IMG" sleep 100000 >/dev/null
docker pause paused >/dev/null
# noisy: stdout and stderr every 0.5 s
docker run -d --name noisy --init "$IMG" sh -c 'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.5; done' >/dev/null
# created, never started
docker create --name idle-created "$IMG" sleep 1 >/dev/null
# restarted by its policy, exits 1 each time
docker run -d --name crashy --restart on-failure:2 "$IMG" sh -c 'exit 1' >/dev/null

# compose project "shop", created by the real docker-compose (v1 here) so the labels are genuine.
mkdir -p "$D/shop"
cat > "$D/shop/docker-compose.yml" <<EOF
version: "2.4"
services:
  api:
    image: $IMG
    command: httpd -f -p 8080
    init: true
    ports: ["127.0.0.1:18081:8080"]
    labels: { homelab.monitor: "true" }
  worker:
    image: $IMG
    command: sleep 100000
    init: true
EOF
COMPOSE_VERSION=none
if docker compose version >/dev/null 2>&1; then
  COMPOSE_VERSION=$(docker compose version --short); (cd "$D/shop" && docker compose -p shop up -d) >/dev/null 2>&1
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE_VERSION=$(docker-compose version --short); (cd "$D/shop" && docker-compose -p shop up -d) >/dev/null 2>&1
else
  echo "no compose on this machine: shop is skipped" >&2
fi

# An untagged image: commit a container without a tag.
docker commit -m fixture exited >/dev/null

# Wait for the health states to settle (web healthy, sick unhealthy) and crashy to give up.
i=0; until [ "$(docker inspect -f '{{.State.Health.Status}}' web)" = healthy ] \
  && [ "$(docker inspect -f '{{.State.Health.Status}}' sick)" = unhealthy ] \
  && [ "$(docker inspect -f '{{.State.Running}}{{.RestartCount}}' crashy)" = false2 ]; do
  i=$((i+1)); [ $i -lt 150 ] || { echo "containers did not settle" >&2; docker ps -a >&2; exit 1; }
  sleep 0.2
done
sleep 1.5 # a few noisy lines

cd "$OUT"
docker version --format '{{json .}}' > version.json
docker ps -a --no-trunc --format '{{json .}}' > ps.jsonl
docker ps -aq --no-trunc | xargs docker container inspect > inspect.json
docker images --no-trunc --format '{{json .}}' > images.jsonl
docker volume ls --format '{{json .}}' > volumes.jsonl
docker network ls --no-trunc --format '{{json .}}' > networks.jsonl
docker network ls -q --no-trunc | xargs docker network inspect > network-inspect.json
docker logs --timestamps exited > logs-exited.stdout 2> logs-exited.stderr
docker logs --timestamps --tail 6 noisy > logs-noisy.stdout 2> logs-noisy.stderr
docker stats --no-stream --no-trunc --format '{{json .}}' > stats.jsonl
docker events --since "$T0" --until "$(date +%s)" --format '{{json .}}' > events.jsonl

eval "$(built "collectScript({inspect:'all'})")" > collect-all.txt
WEB=$(docker inspect -f '{{.Id}}' web)
# An id that does not exist: inspect fails for it and still prints the others.
eval "$(built "collectScript({inspect:['$WEB','0123456789ab']})")" > collect-ids.txt
eval "$(built "hostMetrics()")" > host-metrics.txt
uname -a > uname.txt

# Corrupted copy: a truncated ps line, a non-JSON images line, a truncated inspect line (paused),
# and the networks section cut before its end marker.
awk '
  /^::homelab:begin:/ { sec = substr($0, 17) }
  sec == "ps" && /"Names":"sick"/ { print substr($0, 1, 40); next }
  sec == "images" && !done_img && /^\{/ { print "Error response from daemon: garbage"; done_img = 1 }
  sec == "inspect" && /"Name":"\/paused"/ { print substr($0, 1, 300); next }
  sec == "network_inspect" && ++n > 2 { exit }
  { print }
' collect-all.txt > collect-corrupted.txt

# Redeploy of a compose service (pull fails: no registry; the service is recreated anyway).
if [ "$COMPOSE_VERSION" != none ]; then
  WD=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.project.working_dir"}}' shop_api_1 2>/dev/null || docker inspect -f '{{index .Config.Labels "com.docker.compose.project.working_dir"}}' shop-api-1)
  eval "$(built "composeRedeploy({project:'shop',service:'api',workingDir:'$WD',configFiles:['$WD/docker-compose.yml']})")" \
    > compose-redeploy.stdout 2> compose-redeploy.stderr || echo "redeploy exited $?" >&2
fi

# Prune: a stopped container, the untagged image, an unused volume and network to reclaim.
docker volume create unused-vol >/dev/null
docker network create unused-net >/dev/null
docker rm -f idle-created >/dev/null
docker create --name doomed "$IMG" true >/dev/null
eval "$(built "prune({containers:true,images:true,volumes:true,networks:true})")" > prune.txt

# Daemon down: the collect script when dockerd is stopped (SSH works, docker does not).
kill "$(cat "$D/docker.pid")"
i=0; while docker version >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.2; i=$((i+1)); done
eval "$(built "collectScript({inspect:'all'})")" > collect-daemon-down.txt || true

# Versions used, for the README.
{
  echo "captured_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cli=$(docker --version)"
  echo "daemon=$(dockerd --version)"
  echo "compose=$COMPOSE_VERSION"
  echo "busybox=$(/bin/busybox | head -1)"
} > VERSIONS
echo "fixtures written to $OUT"
