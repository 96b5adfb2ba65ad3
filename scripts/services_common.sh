# shellcheck shell=bash disable=SC2034 # SERVICES_STARTED is read by the scripts that source services.sh
# Helpers of scripts/services.sh: logging, URL parsing, probes of PostgreSQL and Redis,
# apt and docker compose. Sourced by services.sh, not on its own.

services_log() { printf '[services] %s\n' "$*" >&2; }
services_fail() {
	services_log "error: $*"
	return 1
}

# ---------------------------------------------------------------------------------------
# .env files

# dotenv_value KEY FILE: prints the value KEY has in FILE; fails when FILE does not set it.
# Follows the dotenv rules the service uses: optional `export`, quotes, `#` comments.
dotenv_value() {
	local key=$1 file=$2 line value found=1
	[[ -f $file ]] || return 1
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(export[[:space:]]+)?${key}[[:space:]]*=[[:space:]]*(.*)$ ]] || continue
		value=${BASH_REMATCH[2]}
		if [[ $value =~ ^\"(.*)\"[[:space:]]*(#.*)?$ || $value =~ ^\'(.*)\'[[:space:]]*(#.*)?$ ]]; then
			value=${BASH_REMATCH[1]}
		else
			value=${value%%[[:space:]]#*}
			value=${value%"${value##*[![:space:]]}"}
		fi
		found=0
	done <"$file"
	((found == 0)) || return 1
	printf '%s\n' "$value"
}

# services_load_urls: exports DATABASE_URL and REDIS_URL, keeping values already in the
# environment (the real environment wins, as it does for the service).
services_load_urls() {
	local key value file
	for key in DATABASE_URL REDIS_URL; do
		[[ -n ${!key:-} ]] && continue
		for file in "$SERVICES_ROOT/.env" "$SERVICES_ROOT/.env.example"; do
			if value=$(dotenv_value "$key" "$file") && [[ -n $value ]]; then
				export "$key=$value"
				break
			fi
		done
		[[ -n ${!key:-} ]] || services_fail "$key is not set (environment, .env or .env.example)" || return 1
	done
}

# ---------------------------------------------------------------------------------------
# URLs

# url_parse URL: sets URL_SCHEME, URL_USERINFO, URL_HOST, URL_PORT (may be empty),
# URL_PATH (with its leading slash, may be empty) and URL_QUERY (with its `?`, may be empty).
# Fails for what it cannot read (several hosts, for instance).
url_parse() {
	local re='^([A-Za-z][A-Za-z0-9+.-]*)://(([^@/?#]*)@)?(\[[^]/?#]*\]|[^:/?#,]*)(:([0-9]+))?(/[^?#]*)?(\?[^#]*)?$'
	[[ $1 =~ $re ]] || return 1
	URL_SCHEME=${BASH_REMATCH[1]}
	URL_USERINFO=${BASH_REMATCH[3]}
	URL_HOST=${BASH_REMATCH[4]}
	URL_PORT=${BASH_REMATCH[6]}
	URL_PATH=${BASH_REMATCH[7]}
	URL_QUERY=${BASH_REMATCH[8]}
}

url_host_is_loopback() {
	case $URL_HOST in
	'' | localhost | 127.* | '[::1]') return 0 ;;
	*) return 1 ;;
	esac
}

# url_with_database URL NAME: the PostgreSQL URL with its database replaced by NAME.
url_with_database() {
	url_parse "$1" || services_fail "cannot read the URL ${1%%@*}@…" || return 1
	local auth=${URL_USERINFO:+$URL_USERINFO@}
	printf '%s://%s%s%s/%s%s\n' "$URL_SCHEME" "$auth" "$URL_HOST" "${URL_PORT:+:$URL_PORT}" "$2" "$URL_QUERY"
}

# url_for_display URL: the URL with any password masked.
url_for_display() {
	local url=$1
	if url_parse "$url" && [[ $URL_USERINFO == *:* ]]; then
		url="$URL_SCHEME://${URL_USERINFO%%:*}:***@${url#*@}"
	fi
	printf '%s\n' "$url"
}

# ---------------------------------------------------------------------------------------
# Probes

# tcp_open HOST PORT: something accepts TCP connections there.
tcp_open() {
	local host=${1#[}
	host=${host%]}
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$2" 2>/dev/null
}

postgres_answers() {
	local url=$1
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -t 3 -d "$url"
		return
	fi
	url_parse "$url" || return 1
	tcp_open "${URL_HOST:-127.0.0.1}" "${URL_PORT:-5432}"
}

redis_answers() {
	local url=$1 reply=''
	url_parse "$url" || return 1
	if [[ $URL_SCHEME == redis ]] && command -v redis-cli >/dev/null 2>&1; then
		reply=$(timeout 3 redis-cli --no-auth-warning -u "$url" ping 2>/dev/null) || true
	elif [[ $URL_SCHEME == redis ]]; then
		local host=${URL_HOST#[}
		host=${host%]}
		# PING over plain TCP; a NOAUTH answer still means a Redis server is there.
		# shellcheck disable=SC2016 # expanded by the inner shell
		reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && head -c 7 <&3' \
			_ "${host:-127.0.0.1}" "${URL_PORT:-6379}" 2>/dev/null) || true
		[[ $reply == -NOAUTH ]] && reply=PONG
		reply=${reply#+}
		reply=${reply%$'\r'*}
	else
		tcp_open "${URL_HOST:-127.0.0.1}" "${URL_PORT:-6379}" && reply=PONG
	fi
	[[ $reply == PONG ]]
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_for() {
	local seconds=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + seconds))
	until "$@"; do
		((SECONDS < deadline)) || services_fail "$what did not answer within ${seconds}s" || return 1
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------------------
# Packages

# apt_install [--minimal] PACKAGE...: installs Debian packages (root only), running
# apt-get update once. --minimal leaves out recommended packages (gnuplot's would bring
# groff and ImageMagick along).
apt_install() {
	local flags=(-y -qq)
	if [[ ${1:-} == --minimal ]]; then
		flags+=(--no-install-recommends)
		shift
	fi
	if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		services_fail "missing $*: install it (Debian: sudo apt-get install $*) and try again"
		return 1
	fi
	if [[ -z ${SERVICES_APT_UPDATED:-} ]]; then
		services_log "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
		SERVICES_APT_UPDATED=1
	fi
	services_log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install "${flags[@]}" "$@" >&2
}

# ---------------------------------------------------------------------------------------
# Docker compose

docker_engine_answers() {
	command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1 &&
		docker compose version >/dev/null 2>&1
}

compose() {
	docker compose --project-directory "$SERVICES_ROOT" -f "$SERVICES_ROOT/docker-compose.yml" "$@"
}

# compose_up SERVICE...: starts the compose services, published where the URLs point.
compose_up() {
	local user
	url_parse "$DATABASE_URL" || return 1
	user=${URL_USERINFO%%:*}
	export POSTGRES_PORT=${URL_PORT:-5432}
	export POSTGRES_USER=${user:-postgres}
	export POSTGRES_DB=${URL_PATH#/}
	if [[ $URL_USERINFO == *:* ]]; then
		export POSTGRES_PASSWORD=${URL_USERINFO#*:}
	fi
	url_parse "$REDIS_URL" || return 1
	export REDIS_PORT=${URL_PORT:-6379}
	services_log "docker compose up -d --wait $*"
	compose up -d --wait "$@" >&2 || return 1
	SERVICES_STARTED=1
	mkdir -p "$SERVICES_DATA"
	printf '%s\n' "$@" >>"$SERVICES_COMPOSE_MARKER"
}
