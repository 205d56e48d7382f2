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

# Whether the process whose pid PID_FILE holds is alive, for the wait after a start: just after the
# fork its command line is still the shell's or setsid's (not yet java's), so pid_from_file's pattern
# would call a server that is starting dead (seen in CI as "exited during start-up" with an empty log).
started_alive() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}
