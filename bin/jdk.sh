# Sourced by the scripts in bin/ and bench/: finds a JDK 25 and exports JAVA_HOME for it (and MAVEN_OPTS).
# Order: $JAVA_HOME if it is a JDK 25, then /usr/lib/jvm/temurin-25-jdk-amd64.
loopwork_find_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "$version" = "25" ]; then
      export JAVA_HOME="$candidate"
      # JDK 25 warns, on every Maven run, that Maven's own Guava calls sun.misc.Unsafe; this silences it. Here,
      # for the scripts' Maven on the JDK just found, not in .mvn/jvm.config: a JDK before 24 refuses the option
      # and Maven would not even start to say which JDK it needs (the root pom's enforcer rule says so).
      export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow${MAVEN_OPTS:+ $MAVEN_OPTS}"
      return 0
    fi
  done
  echo "loopwork: needs a JDK 25; set JAVA_HOME to one (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
  return 1
}
