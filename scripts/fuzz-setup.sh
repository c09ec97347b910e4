#!/usr/bin/env bash
# Prepares coverage-guided fuzzing (idempotent; see docs/reliability.md):
#  - libFuzzer (clang-14 + libclang-rt-14-dev) to build fuzz/driver, the libFuzzer side of SharpFuzz's LibFuzzer mode;
#    afl++ too when apt can install it (optional: scripts/fuzz.sh uses libFuzzer);
#  - the `sharpfuzz` instrumentation tool (dotnet tool SharpFuzz.CommandLine 2.3.0);
#  - fuzz/out/: BetterDepth.Fuzz built in Release with the BetterDepth libraries and StbImageSharp.dll instrumented.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log() { printf '[fuzz-setup] %s\n' "$*" >&2; }
./scripts/setup.sh

rt=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
if ! command -v clang-14 >/dev/null || [ ! -e "$rt" ]; then
  log "installing clang-14 and libclang-rt-14-dev (libFuzzer)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # On Debian 12 with setup.sh's libc6 from trixie, libclang-rt-14-dev's 32-bit dependencies must come from trixie too.
  if dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libc6)" gt 2.37; then
    apt-get install -y -qq -t trixie libc6-i386 lib32gcc-s1 lib32stdc++6 >/dev/null || true
  fi
  apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
fi
command -v afl-fuzz >/dev/null || apt-get install -y -qq afl++ >/dev/null 2>&1 || log "afl++ not installed (optional)"

export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  log "installing the sharpfuzz instrumentation tool"
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

mkdir -p fuzz/out
if [ ! -x fuzz/out/libfuzzer-dotnet-driver ] || [ fuzz/driver/libfuzzer-dotnet-driver.c -nt fuzz/out/libfuzzer-dotnet-driver ]; then
  log "building fuzz/out/libfuzzer-dotnet-driver"
  clang-14 -O1 -g -fsanitize=fuzzer -pthread fuzz/driver/libfuzzer-dotnet-driver.c -o fuzz/out/libfuzzer-dotnet-driver
fi

stamp=fuzz/out/bin/.instrumented
changed=""
if [ -e "$stamp" ]; then
  changed=$(find src fuzz/BetterDepth.Fuzz \( -name obj -o -name bin \) -prune -o \( -name '*.cs' -o -name '*.csproj' \) -newer "$stamp" -print)
fi
if [ ! -e "$stamp" ] || [ -n "$changed" ]; then
  log "building and instrumenting BetterDepth.Fuzz into fuzz/out/bin"
  rm -rf fuzz/out/bin
  dotnet build fuzz/BetterDepth.Fuzz -c Release -nologo -v q -o fuzz/out/bin >/dev/null
  # SharpFuzz rewrites each assembly in place, adding an edge counter to every branch.
  for dll in BetterDepth.dll BetterDepth.Evaluation.dll BetterDepth.Synthetic.dll BetterDepth.Training.dll StbImageSharp.dll; do sharpfuzz "fuzz/out/bin/$dll"; done
  touch "$stamp"
fi
log "ready: scripts/fuzz.sh TARGET SECONDS (targets: $(fuzz/out/bin/BetterDepth.Fuzz list | awk '{print $1}' | tr '\n' ' '))"
