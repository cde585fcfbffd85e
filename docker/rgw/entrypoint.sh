#!/bin/bash
# A one-node Ceph cluster and its RADOS Gateway (S3) for the docker-compose stack, in the official
# quay.io/ceph/ceph image: one monitor, one OSD (BlueStore on a file in the ceph-data volume, so
# records survive a restart), one radosgw on port 7480, and the portal's S3 user. The same settings
# as scripts/rgw/start.sh, which the test suite runs. SSE: aws:kms with RGW's built-in "testing" key
# backend and the key in RGW_KMS_KEY (a development stack only: production uses AWS S3, or Ceph with
# Vault for SSE-S3).
set -euo pipefail

DATA=/var/lib/ceph/portal
CONF=$DATA/ceph.conf
mkdir -p "$DATA"/{log,run,mon,osd,rgw}
ADDRESS=$(hostname -i | awk '{print $1}')

if [ ! -f "$DATA/fsid" ]; then
	cat /proc/sys/kernel/random/uuid >"$DATA/fsid"
fi
FSID=$(cat "$DATA/fsid")

cat >"$CONF" <<CONFIG
[global]
fsid = $FSID
mon_host = v2:$ADDRESS:3300
public_addr = $ADDRESS
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
run_dir = $DATA/run
log_file = $DATA/log/\$name.log
keyring = /dev/null

[mon.a]
mon_data = $DATA/mon

[osd.0]
osd_data = $DATA/osd
osd_objectstore = bluestore
bluestore_block_path = $DATA/osd-block
bluestore_block_create = true
bluestore_block_size = ${RGW_STORE_BYTES:-21474836480}

[client.rgw]
rgw_frontends = beast port=7480
rgw_data = $DATA/rgw
rgw_crypt_require_ssl = false
rgw_crypt_s3_kms_backend = testing
rgw_crypt_s3_kms_encryption_keys = ${RGW_KMS_KEY_ID}=${RGW_KMS_KEY}
CONFIG

if [ ! -f "$DATA/.initialised" ]; then
	monmaptool --create --fsid "$FSID" --addv a "[v2:$ADDRESS:3300]" "$DATA/monmap" >/dev/null
	ceph-mon -c "$CONF" -i a --mkfs --monmap "$DATA/monmap"
fi
ceph-mon -c "$CONF" -i a
if [ ! -f "$DATA/.initialised" ]; then
	OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
	ceph -c "$CONF" osd new "$OSD_UUID" 0
	ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID"
fi
ceph-osd -c "$CONF" -i 0
radosgw -c "$CONF" -n client.rgw
if [ ! -f "$DATA/.initialised" ]; then
	radosgw-admin -c "$CONF" user create --uid portal --display-name Portal \
		--access-key "$AWS_ACCESS_KEY_ID" --secret "$AWS_SECRET_ACCESS_KEY" >/dev/null
	touch "$DATA/.initialised"
fi
# The daemons run in the background; follow the gateway's log so the container lives with them.
exec tail -F "$DATA/log/client.rgw.log"
