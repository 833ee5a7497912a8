#!/usr/bin/env bash
# Debian packages the tests need: Java 17+ and Maven to fetch and run the Kafka broker (scripts/kafka.mjs), openssl for
# its certificates, Chromium and Kerberos headers for code-server.
set -euo pipefail
need=()
java_major() { java -version 2>&1 | sed -n 's/.*version "\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n1; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then :
elif ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ] 2>/dev/null; then need+=(openjdk-17-jre-headless); fi
command -v mvn >/dev/null || need+=(maven)
command -v openssl >/dev/null || need+=(openssl)
command -v chromium >/dev/null || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "system packages ready"
