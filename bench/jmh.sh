#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of bench/src: bench/jmh.sh [JMH options] [benchmark regexps]
#   bench/jmh.sh -l                                   list them
#   bench/jmh.sh HttpRequest                          one class, with its own defaults (1 fork, 3 x 1 s warm-up, 5 x 1 s)
#   bench/jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc all of them briefly, with allocation per op (gc.alloc.rate.norm)
#   bench/jmh.sh -h                                   JMH's options
# Builds bench and what it needs first (mvn package, tests skipped) when the jar is missing or older than
# any source or pom. The forked JVMs get this JVM's flags: those of bin/loopwork, plus JAVA_OPTS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk.sh"
loopwork_find_jdk || exit 1

lib="$root/bench/target/lib"
jar="$root/bench/target/loopwork-bench-0.1.0-SNAPSHOT.jar"
stale=0
if [ ! -f "$jar" ]; then
  stale=1
elif [ -n "$(find "$root"/pom.xml "$root"/*/pom.xml "$root"/*/src/main -newer "$jar" -print -quit)" ]; then
  stale=1
fi
if [ "$stale" = 1 ]; then
  echo "jmh: building (mvn package -pl bench -am, tests skipped) ..." >&2
  (cd "$root" && mvn -q -B -pl bench -am package -DskipTests) >&2
  touch "$jar" # the jar plugin keeps an unchanged jar's old time: mark it as built from these sources
fi

# The kit's jars run as the modules loopwork.core and loopwork.http, as in bin/loopwork; the benchmarks and JMH
# on the class path see only what those modules export, plus loopwork.core.ring, exported here to them alone for
# SlotRingBench (a white-box bench of an internal class). Then the server's flags (bin/jvm.options, where each
# says why), and sun.misc.Unsafe allowed for JMH 1.37 itself (its Utils), which JDK 25 would otherwise warn
# about in every fork. JMH passes them all on to each forked JVM.
modules="$lib/loopwork-core-0.1.0-SNAPSHOT.jar:$lib/loopwork-http-0.1.0-SNAPSHOT.jar"
classpath="$jar"
for dependency in "$lib"/*.jar; do
  case "$dependency" in */loopwork-*) ;; *) classpath="$classpath:$dependency" ;; esac
done
exec "$JAVA_HOME/bin/java" @"$root/bin/jvm.options" \
  --sun-misc-unsafe-memory-access=allow ${JAVA_OPTS:-} \
  -p "$modules" --add-modules loopwork.http --add-exports loopwork.core/loopwork.core.ring=ALL-UNNAMED \
  -cp "$classpath" org.openjdk.jmh.Main "$@"
