#!/bin/bash
# Start a throwaway one-node Ceph cluster and its RADOS Gateway on loopback, inside the chroot that
# install.sh built: one monitor, one OSD whose store is in memory, one radosgw, one S3 user.
# Prints KEY=VALUE lines (RGW_ENDPOINT, RGW_ACCESS_KEY, RGW_SECRET_KEY, RGW_KMS_KEY_ID, RGW_RUN_DIR);
# scripts/rgw/stop.sh RGW_RUN_DIR stops it and deletes its data. Needs root (chroot, mount namespace).
#   RGW_PORT, RGW_MON_PORT  loopback ports (default: free ones)
#   RGW_VAULT_ADDR, RGW_VAULT_TOKEN  a Vault transit API for SSE-S3 (AES256); unset: no SSE-S3
#   RGW_MEMSTORE_BYTES  the in-memory object store's capacity (default 4 GiB; RAM is used as filled)
#   RGW_OWNER_PID  the process the cluster belongs to: once it is gone, the next start stops the cluster
set -euo pipefail

ROOT=${RGW_ROOT:-/var/cache/portal-rgw/root}
HERE=$(cd "$(dirname "$0")" && pwd)

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The daemons run in a mount namespace of their own, so the /proc they need inside the chroot is
# mounted for them alone and disappears with them: nothing is left mounted on the host.
if [ "${_RGW_IN_NAMESPACE:-}" != 1 ]; then
	if [ ! -f "$ROOT/.portal-rgw-ready" ]; then
		echo "scripts/rgw/start.sh: no RGW chroot in $ROOT; run scripts/rgw/install.sh (make rgw)" >&2
		exit 1
	fi
	# Clusters left by a run killed before its clean-up: the process that started them is gone.
	for old in "$ROOT"/tmp/portal-rgw.*; do
		owner=$(cat "$old/owner" 2>/dev/null) || continue
		kill -0 "$owner" 2>/dev/null || "$HERE/stop.sh" "$old"
	done
	RUN_DIR=$(mktemp -d "$ROOT/tmp/portal-rgw.XXXXXXXX")
	if [ -n "${RGW_OWNER_PID:-}" ]; then echo "$RGW_OWNER_PID" >"$RUN_DIR/owner"; fi
	export RUN_DIR RGW_ROOT=$ROOT _RGW_IN_NAMESPACE=1
	export RGW_PORT=${RGW_PORT:-$(free_port)} RGW_MON_PORT=${RGW_MON_PORT:-$(free_port)}
	if ! unshare --mount --propagation private "$0"; then
		"$HERE/stop.sh" "$RUN_DIR" >/dev/null 2>&1 || true
		exit 1
	fi
	exit 0
fi

mount -t proc proc "$ROOT/proc"
DIR=${RUN_DIR#"$ROOT"} # the same directory as the daemons see it
CONF=$DIR/ceph.conf
in_root() { chroot "$ROOT" "$@"; }
fail() {
	echo "scripts/rgw/start.sh: $1; the end of its logs:" >&2
	tail -5 "$RUN_DIR"/log/*.log >&2 2>/dev/null || true
	exit 1
}
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

FSID=$(cat /proc/sys/kernel/random/uuid)
ACCESS_KEY=$(random_hex 10)
SECRET_KEY=$(random_hex 20)
KMS_KEY_ID=portal-test-key
KMS_KEY=$(head -c 32 /dev/urandom | base64)
mkdir -p "$RUN_DIR"/{log,run,mon,osd,rgw}

SSE_S3=""
if [ -n "${RGW_VAULT_ADDR:-}" ]; then
	# RGW refuses a token file that others can read.
	(umask 077 && printf '%s' "${RGW_VAULT_TOKEN:-}" >"$RUN_DIR/vault-token")
	SSE_S3="rgw_crypt_sse_s3_backend = vault
rgw_crypt_sse_s3_vault_auth = token
rgw_crypt_sse_s3_vault_token_file = $DIR/vault-token
rgw_crypt_sse_s3_vault_addr = $RGW_VAULT_ADDR
rgw_crypt_sse_s3_vault_secret_engine = transit
rgw_crypt_sse_s3_vault_prefix = /v1/transit"
fi

# Loopback only and thrown away after the run: no cephx (which needs crc rather than secure
# messenger mode), msgr v2 only, one replica, no placement-group autoscaling.
cat >"$RUN_DIR/ceph.conf" <<EOF
[global]
fsid = $FSID
mon_host = v2:127.0.0.1:$RGW_MON_PORT
public_addr = 127.0.0.1
ms_bind_msgr1 = false
ms_bind_msgr2 = true
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_cluster_mode = crc
ms_service_mode = crc
ms_client_mode = crc
ms_mon_cluster_mode = crc
ms_mon_service_mode = crc
ms_mon_client_mode = crc
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
# The monitor batches map changes for a second by default; each pool created below would wait for it.
paxos_propose_interval = 0.01
run_dir = $DIR/run
admin_socket = $DIR/run/\$name.asok
pid_file = $DIR/run/\$name.pid
log_file = $DIR/log/\$name.log
keyring = /dev/null

[mon.a]
mon_data = $DIR/mon

[osd.0]
osd_data = $DIR/osd
osd_objectstore = memstore
memstore_device_bytes = ${RGW_MEMSTORE_BYTES:-4294967296}

[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_data = $DIR/rgw
rgw_crypt_require_ssl = false
rgw_crypt_s3_kms_backend = testing
rgw_crypt_s3_kms_encryption_keys = $KMS_KEY_ID=$KMS_KEY
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 60
$SSE_S3
EOF

in_root monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$RGW_MON_PORT]" "$DIR/monmap" >/dev/null
in_root ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" || fail "ceph-mon --mkfs failed"
in_root ceph-mon -c "$CONF" -i a || fail "ceph-mon did not start"

OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
in_root ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1 || fail "ceph-osd --mkfs failed"
# One ceph CLI process for every monitor command (each start of it costs a Python interpreter).
{
	echo "osd new $OSD_UUID 0"
	for pool in .rgw.root default.rgw.control default.rgw.meta default.rgw.log \
		default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
		echo "osd pool create $pool --yes-i-really-mean-it" # a leading dot needs the flag
		echo "osd pool application enable $pool rgw"
	done
} | in_root ceph -c "$CONF" --connect-timeout 20 >"$RUN_DIR/log/ceph-cli.log" 2>&1 || fail "monitor commands failed"
in_root ceph-osd -c "$CONF" -i 0 2>>"$RUN_DIR/log/osd.0.stderr" || fail "ceph-osd did not start"
in_root radosgw -c "$CONF" -n client.rgw || fail "radosgw did not start"
in_root radosgw-admin -c "$CONF" user create --uid portal --display-name "Portal tests" \
	--access-key "$ACCESS_KEY" --secret "$SECRET_KEY" >"$RUN_DIR/log/user.log" 2>&1 || fail "user create failed"

for _ in $(seq 300); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$RGW_PORT") 2>/dev/null; then
		echo "RGW_ENDPOINT=http://127.0.0.1:$RGW_PORT"
		echo "RGW_ACCESS_KEY=$ACCESS_KEY"
		echo "RGW_SECRET_KEY=$SECRET_KEY"
		echo "RGW_KMS_KEY_ID=$KMS_KEY_ID"
		echo "RGW_RUN_DIR=$RUN_DIR"
		exit 0
	fi
	sleep 0.1
done
fail "radosgw is not listening on 127.0.0.1:$RGW_PORT after 30 s"
