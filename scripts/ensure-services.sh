#!/usr/bin/env bash
# Makes this machine ready for Griddle's demo and test suite, idempotently:
# Debian's docker.io, zookeeperd, busybox-static, haproxy, docker-registry, apache2-utils
# (htpasswd; both for the private-registry tests), prometheus (the acceptance-check tests) and
# chromium (the console's browser tests drive it with playwright-core; never a browser download)
# installed; dockerd and ZooKeeper running; the local images built with `docker import`
# (there is no registry here).
# It prints what it did, and nothing else changes when everything is already in place.
set -euo pipefail

IMAGE_REVISION=3   # bump when an image recipe below changes, so old local images are rebuilt
ZK_BIN=/usr/share/zookeeper/bin/zkServer.sh
say() { echo "[ensure-services] $*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x "$ZK_BIN" ] || missing+=(zookeeperd)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# The acceptance-check tests start their own Prometheus (a temp config, port and TSDB); the
# package's system service is not used.
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  say "installed ${missing[*]}"
fi

if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: /var/log/griddle-dockerd.log)"
  # setsid: a session of its own, so Ctrl-C on `npm start` (the terminal's process group)
  # never reaches dockerd, which would take every container on the machine down with it.
  as_root setsid -f bash -c 'exec dockerd >/var/log/griddle-dockerd.log 2>&1 </dev/null'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { say "dockerd did not start; see /var/log/griddle-dockerd.log"; exit 1; }
  say "dockerd is up"
fi

# Benchmarks write hundreds of MB of records; without purging, ZooKeeper keeps every snapshot
# and log it ever wrote (80 GB in a day of runs here filled the disk). Keep the newest three.
ZK_CFG=/etc/zookeeper/conf/zoo.cfg
if [ -f "$ZK_CFG" ] && ! grep -q '^autopurge.purgeInterval' "$ZK_CFG"; then
  printf 'autopurge.snapRetainCount=3\nautopurge.purgeInterval=1\n' | as_root tee -a "$ZK_CFG" >/dev/null
fi

zk_up() { (exec 3<>/dev/tcp/127.0.0.1/2181 && printf 'srvr' >&3 && timeout 2 cat <&3 | grep -q Mode) 2>/dev/null; }
if ! zk_up; then
  say "starting ZooKeeper on 127.0.0.1:2181"
  as_root setsid -f "$ZK_BIN" start >/dev/null 2>&1 </dev/null || true
  for _ in $(seq 1 60); do zk_up && break; sleep 0.5; done
  zk_up || { say "ZooKeeper did not start; see /var/log/zookeeper"; exit 1; }
  say "ZooKeeper is up"
fi

image_current() {
  [ "$(docker image inspect -f '{{ index .Config.Labels "griddle.image.revision" }}' "$1" 2>/dev/null)" = "$IMAGE_REVISION" ]
}

# A busybox rootfs; $1 is the folder, extra files are added by the caller.
make_rootfs() {
  local root=$1
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/www"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
}

build_image() { # name, rootfs, CMD json
  tar -C "$2" -c . | docker import -c "CMD $3" -c "LABEL griddle.image.revision=$IMAGE_REVISION" - "$1" >/dev/null
  say "built image $1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! image_current griddle/busybox:latest; then
  make_rootfs "$work/busybox"
  build_image griddle/busybox:latest "$work/busybox" '["/bin/sh"]'
fi

# demo-http serves /health and /version on $PORT (default 8080) and on $ADMIN_PORT (default
# 8081), so a task can map two ports. It exits on SIGTERM after $STOP_DELAY seconds (default 0).
for version in 1 2; do
  name=griddle/demo-http:$version
  image_current "$name" && continue
  root="$work/demo-$version"
  make_rootfs "$root"
  echo "$version" >"$root/www/version"
  echo ok >"$root/www/health"
  cat >"$root/bin/demo-http" <<'SCRIPT'
#!/bin/sh
port=${PORT:-8080}
admin=${ADMIN_PORT:-8081}
httpd -f -p "$port" -h /www &
main=$!
httpd -f -p "$admin" -h /www &
side=$!
stop() { sleep "${STOP_DELAY:-0}"; kill "$main" "$side" 2>/dev/null; exit 0; }
trap stop TERM INT
echo "demo-http $(cat /www/version) listening on $port and $admin"
wait "$main"
SCRIPT
  chmod +x "$root/bin/demo-http"
  build_image "$name" "$root" '["/bin/demo-http"]'
done
say "ready: docker, zookeeper (127.0.0.1:2181), haproxy, images griddle/busybox:latest griddle/demo-http:1 griddle/demo-http:2"
