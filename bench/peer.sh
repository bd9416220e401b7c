# The netty-demo reference peer (bench/peers/netty-demo): where its jar goes, and its build.
# Sourced by bench/compare.sh and bench/ab.sh, after they set $root and define log and die.
peer_src="$root/bench/peers/netty-demo"
peer_dir="$root/bench/out/peers/netty-demo"
peer_jar="$peer_dir/netty-demo.jar"

# Builds the peer's jar when it is missing or older than the peer's sources.
build_peer() {
  [ -d "$peer_src" ] || die "the netty peer is not at $peer_src"
  if [ -f "$peer_jar" ] && [ -z "$(find "$peer_src" \( -name '*.java' -o -name pom.xml \) -newer "$peer_jar" -print -quit)" ]; then
    return 0
  fi
  local build_log="$root/bench/out/peer-build.log"
  mkdir -p "$peer_dir"
  log "building the netty peer into ${peer_dir#"$root"/}"
  timeout 600 mvn -q -B -f "$peer_src/pom.xml" package -Dpeer.build.dir="$peer_dir" >"$build_log" 2>&1 ||
    { tail -n 30 "$build_log" >&2; die "the netty peer did not build (see ${build_log#"$root"/})"; }
  [ -f "$peer_jar" ] || die "the peer build made no $peer_jar"
}
