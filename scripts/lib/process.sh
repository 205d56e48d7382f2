# Shared by the scripts that run servers (kafka.sh, kafka-cluster.sh, schema-registry.sh); sourced.

# Prints the pid in PID_FILE if that process is still the one started (its command line holds
# PATTERN): a pid file left behind by a crash, its pid reused by another process, counts as none.
pid_from_file() {
  local pid_file="$1" pattern="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  echo "$pid"
}
