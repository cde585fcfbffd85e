#!/bin/bash
# Stop what scripts/rgw/start.sh started in RUN_DIR and delete its data (the store is in memory:
# nothing worth a clean shutdown). Safe to run twice.
set -uo pipefail

RUN_DIR=${1:?usage: scripts/rgw/stop.sh RGW_RUN_DIR}
case "$RUN_DIR" in
*/tmp/portal-rgw.*) ;;
*) echo "scripts/rgw/stop.sh: $RUN_DIR is not a directory start.sh made" >&2; exit 1 ;;
esac

# Running and not yet a zombie (a killed daemon stays one until init reaps it).
running() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

pids=()
for pid_file in "$RUN_DIR"/run/*.pid; do
	[ -f "$pid_file" ] || continue
	pid=$(cat "$pid_file")
	# Only a daemon of this run (its command line names this run's ceph.conf), never a reused pid.
	if running "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "${RUN_DIR##*/}/ceph.conf"; then
		pids+=("$pid")
	fi
done
if [ ${#pids[@]} -gt 0 ]; then
	kill -KILL "${pids[@]}" 2>/dev/null
	for _ in $(seq 100); do
		alive=0
		for pid in "${pids[@]}"; do running "$pid" && alive=1; done
		[ $alive = 0 ] && break
		sleep 0.05
	done
fi
rm -rf "$RUN_DIR"
