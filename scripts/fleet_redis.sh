# shellcheck shell=bash
# Redis topologies for scripts/fleet.sh: start_redis TOPOLOGY starts one under .data/fleet/
# and sets FLEET_REDIS_URL to the REDIS_URL the instances use. Sourced by fleet.sh (which
# provides spawn, wait_for, fail, PIDS, LOGS, FLEET_DIR and FLEET_REDIS_PORT), not on its own.

# redis_node NAME PORT ARGS...: a redis-server without persistence, its files in its own
# directory.
redis_node() {
	local name=$1 port=$2 dir=$FLEET_DIR/$1
	shift 2
	install -d -m 700 "$dir"
	spawn "$name" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--repl-diskless-sync-delay 0 --dir "$dir" "$@"
	wait_for 30 "$name on port $port" redis_answers "$port"
}

start_redis() {
	case $1 in
	single)
		FLEET_REDIS_URL=$REDIS_URL
		;;
	sentinel) start_redis_sentinel ;;
	cluster) start_redis_cluster ;;
	*)
		fail "FLEET_REDIS must be single, sentinel or cluster (got '$1')"
		return 1
		;;
	esac
}

# start_redis_sentinel: a primary, a replica and three Sentinels (quorum 2) that fail over
# after 5 s without an answer from the primary.
start_redis_sentinel() {
	local primary=$FLEET_REDIS_PORT replica=$((FLEET_REDIS_PORT + 1)) i port dir addrs=()
	redis_node redis-primary "$primary"
	redis_node redis-replica "$replica" --replicaof 127.0.0.1 "$primary"
	for i in 1 2 3; do
		port=$((FLEET_REDIS_PORT + 9 + i)) dir=$FLEET_DIR/redis-sentinel-$i
		install -d -m 700 "$dir"
		cat >"$dir/sentinel.conf" <<-EOF
			sentinel monitor movieapi 127.0.0.1 $primary 2
			sentinel down-after-milliseconds movieapi 5000
			sentinel failover-timeout movieapi 30000
		EOF
		spawn "redis-sentinel-$i" redis-server "$dir/sentinel.conf" --port "$port" --bind 127.0.0.1 \
			--dir "$dir" --sentinel
		wait_for 30 "Sentinel on port $port" redis_answers "$port"
		addrs+=("127.0.0.1:$port")
	done
	FLEET_REDIS_URL="redis://${addrs[0]}/0?master_name=movieapi&addr=${addrs[1]}&addr=${addrs[2]}"
}

# start_redis_cluster: three primaries with a replica each, joined by redis-cli.
start_redis_cluster() {
	local i port nodes=() query=''
	for i in 1 2 3 4 5 6; do
		port=$((FLEET_REDIS_PORT + i - 1))
		redis_node "redis-node-$i" "$port" --cluster-enabled yes --cluster-config-file nodes.conf \
			--cluster-node-timeout 5000
		nodes+=("127.0.0.1:$port")
		((i == 1)) || query+="${query:+&}addr=127.0.0.1:$port"
	done
	redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$LOGS/redis-cluster-create.log" 2>&1 ||
		fail "redis-cli --cluster create failed (see $LOGS/redis-cluster-create.log)" || return 1
	wait_for 60 "the cluster to serve every slot" cluster_ok "${nodes[0]}"
	FLEET_REDIS_URL="redis://${nodes[0]}?$query"
}

# redis_answers PORT: the server on 127.0.0.1:PORT answers PING.
redis_answers() { [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }

cluster_ok() {
	redis-cli -h "${1%:*}" -p "${1#*:}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}
