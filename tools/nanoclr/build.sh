#!/usr/bin/env bash
# Builds the nanoFramework toolchain Edge's NanoClr test tier runs on, from the public
# nanoFramework repositories at pinned revisions:
#
#   bin/x64/  nanoFramework.nanoCLR.test + nanoFramework.nanoCLR.so   nf-interpreter's POSIX host
#   bin/x86/  the same built -m32 (run under qemu-i386: a board's 32-bit heap layout)
#   mdp/      the metadata processor (.dll -> .pe) as a net10.0 program, mdp.dll
#   lib/      mscorlib (NuGet nanoFramework.CoreLibrary), nanoFramework.Runtime.Native,
#             nanoFramework.TestFramework and nanoFramework.UnitTestLauncher, each .dll/.exe + .pe
#   licenses/ the upstream licences (MIT);  BUILD-INFO  what was built from what
#
# Needs: git, cmake >= 3.24, ninja, gcc/g++ (C++20), g++-multilib (32-bit interpreter),
# python3, the .NET SDK 10 or newer, ICU (libicu) for the metadata processor, and network
# access to GitHub (sources) and nuget.org (Mono.Cecil, System.Drawing.Common,
# nanoFramework.CoreLibrary). qemu-user (qemu-i386) is needed to run the 32-bit interpreter
# (and to check it here). On Debian/Ubuntu:
#   sudo apt-get install git cmake ninja-build g++ g++-multilib python3 libicu-dev qemu-user
#
# Usage: tools/nanoclr/build.sh [--out DIR] [--sources DIR|URL] [--work DIR] [--jobs N]
#   --out DIR      where the toolchain goes (default ${EDGE_HOME:-~/.local/share/edge}/nanoclr,
#                  where the tests look when EDGE_NANOCLR_HOME is not set). Replaced as a
#                  whole, only once everything built and passed its check.
#   --sources X    where the repositories come from (default $EDGE_NANOCLR_SOURCES, else
#                  https://github.com/nanoframework): a URL prefix (X/<name>), or a local
#                  folder holding clones or bare mirrors as <name>.git or <name>, for offline
#                  builds. Names: nf-interpreter, metadata-processor,
#                  nanoFramework.TestFramework, nanoFramework.Runtime.Native.
#   --work DIR     checkouts and build trees, kept so that a second run is quick (default
#                  ${XDG_CACHE_HOME:-~/.cache}/edge/nanoclr-build; delete it when done).
#   --jobs N       parallel compile jobs (default: nproc).
# Safe to run again: sources are re-checked-out at the pinned revisions, builds are
# incremental, and the output folder is swapped in only after the smoke test passed.
set -euo pipefail

# ---- pinned revisions ------------------------------------------------------------------
NF_INTERPRETER_REV=a3e8139a1ba778e33ca81b023099765eada6c456      # main 2026-07-24 (v1.9.0-561-ga3e8139a1)
METADATA_PROCESSOR_REV=4541b46b25b6ddca89514c6627aa9973021b36d6  # v3.0.100
METADATA_PROCESSOR_VERSION=3.0.100
TESTFRAMEWORK_REV=18e4b3d4b0c6b647bc3c2a8a0d11a53c059145a7       # v3.0.77
TESTFRAMEWORK_VERSION=3.0.77
RUNTIME_NATIVE_REV=e70ef6920ca811b0403d667036fcbdc605d0e66e      # v1.7.11
RUNTIME_NATIVE_VERSION=1.7.11
CORELIBRARY_VERSION=1.17.11                                      # NuGet nanoFramework.CoreLibrary

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${EDGE_HOME:-$HOME/.local/share/edge}/nanoclr
sources=${EDGE_NANOCLR_SOURCES:-https://github.com/nanoframework}
work=${XDG_CACHE_HOME:-$HOME/.cache}/edge/nanoclr-build
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'nanoclr: %s\n' "$*"; }
die() { printf 'nanoclr: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
  case $1 in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --sources) sources=${2:?--sources needs a folder or URL}; shift 2 ;;
    --work) work=${2:?--work needs a folder}; shift 2 ;;
    --jobs|-j) jobs=${2:?--jobs needs a number}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs takes a positive number, not '$jobs'"

# ---- what it needs, checked before anything is fetched or built ------------------------
missing=()
for tool in git cmake ninja gcc g++ python3 dotnet; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if command -v cmake >/dev/null 2>&1; then
  cmake_version=$(cmake --version | sed -n '1s/.* \([0-9][0-9.]*\).*/\1/p')
  printf '%s\n' 3.24 "$cmake_version" | sort -V -C || missing+=("cmake >= 3.24 (found $cmake_version)")
fi
if command -v g++ >/dev/null 2>&1; then
  probe=$(mktemp -d)
  echo 'int main() { return sizeof(void*) == 4 ? 0 : 1; }' >"$probe/m32.cpp"
  g++ -m32 -std=c++20 "$probe/m32.cpp" -o "$probe/m32" >/dev/null 2>&1 \
    || missing+=("g++-multilib (g++ -m32 cannot link a 32-bit program)")
  rm -rf "$probe"
fi
if command -v dotnet >/dev/null 2>&1; then
  dotnet --list-sdks 2>/dev/null | awk '{ split($1, v, "."); if (v[1] >= 10) ok = 1 } END { exit !ok }' \
    || missing+=(".NET SDK 10 or newer (dotnet --list-sdks shows none)")
fi
libraries=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)
if [ -n "$libraries" ] && ! grep -q 'libicuuc\.so' <<<"$libraries"; then
  missing+=("ICU (libicu): the metadata processor must run with it, never with invariant globalization")
fi
if ((${#missing[@]})); then
  printf 'nanoclr: error: missing what this build needs:\n' >&2
  printf '  - %s\n' "${missing[@]}" >&2
  cat >&2 <<'EOF'
On Debian/Ubuntu: sudo apt-get install git cmake ninja-build g++ g++-multilib python3 libicu-dev qemu-user
The .NET SDK: https://learn.microsoft.com/dotnet/core/install/linux
EOF
  exit 1
fi
command -v qemu-i386 >/dev/null 2>&1 \
  || say "note: no qemu-i386 (apt-get install qemu-user): the 32-bit interpreter is built but not checked, and the tests need it to run it"

mkdir -p "$work" "$(dirname "$out")"
work=$(cd "$work" && pwd)
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
case "$work/" in "$out/"*) die "--work ($work) must not be inside --out ($out)" ;; esac
case "$out/" in "$work/"*) die "--out ($out) must not be inside --work ($work)" ;; esac
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] && [ ! -e "$out/BUILD-INFO" ]; then
  die "$out exists and was not made by this script (no BUILD-INFO): remove it or choose another --out"
fi
if [ -d "$sources" ]; then sources=$(cd "$sources" && pwd); fi

if command -v flock >/dev/null 2>&1; then
  exec 9>"$work/.lock"
  flock -n 9 || die "another build.sh is using $work"
fi

started=$SECONDS
step_started=$SECONDS
step() { say "$* ($((SECONDS - started)) s so far)"; step_started=$SECONDS; }
timings=()
done_step() { timings+=("$1: $((SECONDS - step_started)) s"); }

# ---- sources ---------------------------------------------------------------------------
origin() { # repository name -> where to fetch it from
  local name=$1 candidate
  if [ -d "$sources" ]; then
    for candidate in "$sources/$name.git" "$sources/$name"; do
      [ -d "$candidate" ] && { echo "$candidate"; return; }
    done
    die "no $name in $sources (looked for $sources/$name.git and $sources/$name)"
  fi
  echo "${sources%/}/$name"
}

checkout() { # name revision: $work/src/<name> at that revision, nothing else in the tree
  local name=$1 rev=$2 dir=$work/src/$1 from
  [ -d "$dir/.git" ] || { rm -rf "$dir"; git init -q "$dir"; }
  if ! git -C "$dir" cat-file -e "$rev^{commit}" 2>/dev/null; then
    from=$(origin "$name")
    say "fetching $name $rev from $from"
    git -C "$dir" fetch -q --depth 1 "$from" "$rev" 2>/dev/null \
      || git -C "$dir" fetch -q "$from" '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*' \
      || die "could not fetch $name from $from"
    git -C "$dir" cat-file -e "$rev^{commit}" 2>/dev/null || die "$from has no revision $rev"
    git -C "$dir" config edge.fetchedFrom "$from"
  fi
  git -C "$dir" -c advice.detachedHead=false checkout -q --force --detach "$rev"
  git -C "$dir" clean -q -f -d -x
}

step "sources from $sources"
checkout nf-interpreter "$NF_INTERPRETER_REV"
checkout metadata-processor "$METADATA_PROCESSOR_REV"
checkout nanoFramework.TestFramework "$TESTFRAMEWORK_REV"
checkout nanoFramework.Runtime.Native "$RUNTIME_NATIVE_REV"

# The 32-bit interpreter builds from a second worktree of nf-interpreter with one change:
# nanoCLR_Runtime.h's structure-size checks know only 64-bit POSIX hosts and stop a 32-bit
# one with `!ERROR`; the patch lets any POSIX host skip them (the heap block keeps its
# board size, 12 bytes, which is checked). The worktree is left alone when it already is
# the pinned revision plus the patch, so that a second run does not rebuild everything.
patch_file=$here/posix-32bit-size-checks.patch
x86src=$work/src/nf-interpreter-x86
nf=$work/src/nf-interpreter
if ! git -C "$x86src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  rm -rf "$x86src"
  git -C "$nf" worktree prune
  git -C "$nf" worktree add -q --force --detach "$x86src" "$NF_INTERPRETER_REV"
fi
if [ "$(git -C "$x86src" rev-parse HEAD)" = "$NF_INTERPRETER_REV" ] \
  && git -C "$x86src" apply --reverse --check "$patch_file" 2>/dev/null \
  && [ "$(git -C "$x86src" status --porcelain --untracked-files=all)" = " M src/CLR/Include/nanoCLR_Runtime.h" ]; then
  :
else
  git -C "$x86src" -c advice.detachedHead=false checkout -q --force --detach "$NF_INTERPRETER_REV"
  git -C "$x86src" clean -q -f -d -x
  git -C "$x86src" apply "$patch_file" || die "$patch_file no longer applies to nf-interpreter $NF_INTERPRETER_REV"
fi
done_step "sources"

stage=$work/stage
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/mdp" "$stage/lib" "$stage/licenses" "$work/gen"

# ---- nanoCLR ---------------------------------------------------------------------------
build_nanoclr() { # arch source-tree
  local arch=$1 src=$2 build=$work/build/$1 flags=()
  if [ "$arch" = x86 ]; then
    flags=(-DCMAKE_C_FLAGS=-m32 -DCMAKE_CXX_FLAGS=-m32 -DCMAKE_EXE_LINKER_FLAGS=-m32 -DCMAKE_SHARED_LINKER_FLAGS=-m32)
  fi
  mkdir -p "$build"
  cmake -S "$src/targets/posix" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${flags[@]+"${flags[@]}"} \
    >"$build.configure.log" 2>&1 || { cat "$build.configure.log" >&2; die "cmake could not configure nanoCLR ($arch)"; }
  cmake --build "$build" -j "$jobs" >"$build.log" 2>&1 || { tail -n 60 "$build.log" >&2; die "nanoCLR ($arch) did not build: $build.log"; }
  mkdir -p "$stage/bin/$arch"
  cp "$build/bin/nanoFramework.nanoCLR.test" "$build/lib/nanoFramework.nanoCLR.so" "$stage/bin/$arch/"
  local class want=2   # ELF class byte: 1 = 32-bit, 2 = 64-bit
  [ "$arch" = x86 ] && want=1
  class=$(od -An -tu1 -j4 -N1 "$stage/bin/$arch/nanoFramework.nanoCLR.so" | tr -d ' ')
  [ "$class" = "$want" ] || die "bin/$arch/nanoFramework.nanoCLR.so is not the expected ELF class ($class, wanted $want)"
}

step "nanoCLR x64 (nf-interpreter targets/posix, Release, $jobs jobs; log: $work/build/x64.log)"
build_nanoclr x64 "$nf"
done_step "nanoCLR x64"
step "nanoCLR x86 (-m32; log: $work/build/x86.log)"
build_nanoclr x86 "$x86src"
done_step "nanoCLR x86"

# ---- metadata processor ----------------------------------------------------------------
# Upstream builds it as .NET Framework projects; tools/nanoclr/mdp/ holds net10.0 SDK
# projects that compile the upstream sources in place. Built in a copy outside the Edge
# repository so that none of Edge's build settings apply.
step "metadata processor (net10.0)"
mkdir -p "$work/mdp"
cp "$here"/mdp/*.csproj "$here"/mdp/*.cs "$here"/mdp/Directory.Build.* "$work/mdp/"
(cd "$work/mdp" && dotnet build mdp.csproj --disable-build-servers -c Release -nologo -v q -clp:ErrorsOnly \
  -p:MdpSource="$work/src/metadata-processor" -o "$stage/mdp") >"$work/mdp.log" 2>&1 \
  || { cat "$work/mdp.log" >&2; die "the metadata processor did not build"; }
rm -f "$stage"/mdp/*.pdb
done_step "metadata processor"

# ---- libraries -------------------------------------------------------------------------
step "mscorlib $CORELIBRARY_VERSION (NuGet) and the nanoFramework libraries (C# 10)"
mkdir -p "$work/corelib"
cat >"$work/corelib/corelib.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>$work/packages</RestorePackagesPath>
    <NoWarn>NU1701</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="nanoFramework.CoreLibrary" Version="$CORELIBRARY_VERSION" />
  </ItemGroup>
</Project>
EOF
(cd "$work/corelib" && dotnet restore corelib.csproj --disable-build-servers -nologo -v q) >"$work/corelib.log" 2>&1 \
  || { cat "$work/corelib.log" >&2; die "could not restore nanoFramework.CoreLibrary $CORELIBRARY_VERSION from NuGet"; }
corelib=$work/packages/nanoframework.corelibrary/$CORELIBRARY_VERSION
cp "$corelib/lib/mscorlib.dll" "$corelib/lib/mscorlib.pe" "$stage/lib/"

sdk_version=$(cd "$work" && dotnet --version)
sdk_root=$(cd "$work" && dotnet --list-sdks | sed -n "s/^$sdk_version \[\(.*\)\]\$/\1/p")
csc=$sdk_root/$sdk_version/Roslyn/bincore/csc.dll
[ -f "$csc" ] || die "no C# compiler at $csc"

# Libraries with native methods must be compiled as C# 10 or older: newer compilers add an
# embedded attribute type ahead of the library's own, which shifts the native method
# indices, and nanoCLR then refuses the assembly's native checksum.
nf_compile() { # nfproj version library|exe output [references...]
  local project=$1 version=$2 target=$3 output=$4 refs=() files=() key
  shift 4
  local base
  base=$(basename "$output")
  python3 "$here/nfproj-sources.py" "$project" >"$work/gen/$base.sources"
  mapfile -t files <"$work/gen/$base.sources"
  ((${#files[@]})) || die "$project names no sources"
  printf '[assembly: System.Reflection.AssemblyVersion("%s.0")]\n' "$version" >"$work/gen/$base.version.cs"
  for r in "$@"; do refs+=("-r:$r"); done
  key=$(dirname "$project")/key.snk
  dotnet "$csc" -nologo -noconfig -nostdlib+ -langversion:10 -deterministic+ -optimize+ -debug- \
    -runtimemetadataversion:v4.0.30319 -target:"$target" -out:"$output" -keyfile:"$key" \
    -r:"$stage/lib/mscorlib.dll" ${refs[@]+"${refs[@]}"} "$work/gen/$base.version.cs" "${files[@]}" \
    >"$work/gen/$base.csc.log" 2>&1 || { cat "$work/gen/$base.csc.log" >&2; die "could not compile $base"; }
}

# The metadata processor's exit code says nothing; its output is the verdict. It runs with
# ICU (never invariant globalization): its type order decides the native-method checksum.
mdp_convert() { # input.dll|exe output.pe [load hints: other .dlls it references]
  local input=$1 pe=$2 args=() r log
  shift 2
  for r in "$stage/lib/mscorlib.dll" "$@"; do
    args+=(-loadHints "$(basename "${r%.*}")" "$r")
  done
  log=$work/gen/$(basename "$pe").mdp.log
  rm -f "$pe"
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=0 dotnet "$stage/mdp/mdp.dll" "${args[@]}" -parse "$input" -compile "$pe" false >"$log" 2>&1 || true
  if grep -qE 'xception|rror:|ICU' "$log" || [ ! -s "$pe" ]; then
    cat "$log" >&2
    grep -q ICU "$log" && say "the metadata processor needs ICU: apt-get install libicu-dev (or your distribution's libicu)" >&2
    die "the metadata processor could not convert $(basename "$input")"
  fi
  rm -f "${pe%.pe}.pdbx"
}

rn=$work/src/nanoFramework.Runtime.Native/nanoFramework.Runtime.Native
tf=$work/src/nanoFramework.TestFramework/source
lib=$stage/lib
nf_compile "$rn/nanoFramework.Runtime.Native.nfproj" "$RUNTIME_NATIVE_VERSION" library "$lib/nanoFramework.Runtime.Native.dll"
nf_compile "$tf/TestFramework/nanoFramework.TestFramework.nfproj" "$TESTFRAMEWORK_VERSION" library "$lib/nanoFramework.TestFramework.dll"
nf_compile "$tf/UnitTestLauncher/nanoFramework.UnitTestLauncher.nfproj" "$TESTFRAMEWORK_VERSION" exe \
  "$lib/nanoFramework.UnitTestLauncher.exe" "$lib/nanoFramework.TestFramework.dll"
mdp_convert "$lib/nanoFramework.Runtime.Native.dll" "$lib/nanoFramework.Runtime.Native.pe"
mdp_convert "$lib/nanoFramework.TestFramework.dll" "$lib/nanoFramework.TestFramework.pe"
mdp_convert "$lib/nanoFramework.UnitTestLauncher.exe" "$lib/nanoFramework.UnitTestLauncher.pe" "$lib/nanoFramework.TestFramework.dll"
done_step "libraries"

# ---- smoke test: the launcher runs two tests, one calling a native method, on each interpreter
step "smoke test"
smoke=$work/smoke
rm -rf "$smoke" && mkdir -p "$smoke"
dotnet "$csc" -nologo -noconfig -nostdlib+ -langversion:10 -deterministic+ -optimize+ -debug- \
  -runtimemetadataversion:v4.0.30319 -target:library -out:"$smoke/NFUnitTest.dll" \
  -r:"$lib/mscorlib.dll" -r:"$lib/nanoFramework.TestFramework.dll" -r:"$lib/nanoFramework.Runtime.Native.dll" \
  "$here/smoke/SmokeTest.cs" >"$smoke/csc.log" 2>&1 || { cat "$smoke/csc.log" >&2; die "could not compile the smoke test"; }
mdp_convert "$smoke/NFUnitTest.dll" "$smoke/NFUnitTest.pe" "$lib/nanoFramework.TestFramework.dll" "$lib/nanoFramework.Runtime.Native.dll"
images=("$lib/mscorlib.pe" "$lib/nanoFramework.Runtime.Native.pe" "$lib/nanoFramework.TestFramework.pe"
  "$smoke/NFUnitTest.pe" "$lib/nanoFramework.UnitTestLauncher.pe")
smoke_run() { # arch command...
  local arch=$1 log=$smoke/$1.log passed
  shift
  timeout 300 "$@" "${images[@]}" >"$log" 2>&1 || true
  passed=$(grep -c '^Test passed,' "$log" || true)
  if [ "$passed" != 2 ] || grep -q '^Test failed,' "$log"; then
    cat "$log" >&2
    die "the $arch interpreter did not pass the smoke test ($passed of 2 passed)"
  fi
  say "  $arch: 2 of 2 passed ($(grep -o 'free managed heap: [0-9]* bytes' "$log" | head -n 1))"
}
LD_LIBRARY_PATH=$stage/bin/x64 smoke_run x64 "$stage/bin/x64/nanoFramework.nanoCLR.test"
if command -v qemu-i386 >/dev/null 2>&1; then
  smoke_run x86 qemu-i386 -E "LD_LIBRARY_PATH=$stage/bin/x86" "$stage/bin/x86/nanoFramework.nanoCLR.test"
else
  say "  x86: not run (no qemu-i386)"
fi
done_step "smoke test"

# ---- licences, build record, and the swap into place -----------------------------------
cp "$nf/LICENSE.md" "$stage/licenses/nf-interpreter.LICENSE.md"
cp "$work/src/metadata-processor/LICENSE.md" "$stage/licenses/metadata-processor.LICENSE.md"
cp "$work/src/nanoFramework.TestFramework/LICENSE.md" "$stage/licenses/TestFramework.LICENSE.md"
cp "$work/src/nanoFramework.Runtime.Native/LICENSE.md" "$stage/licenses/Runtime.Native.LICENSE.md"
for f in "$corelib"/LICENSE.md "$corelib"/license.md "$corelib"/LICENSE.txt; do
  [ -f "$f" ] && { cp "$f" "$stage/licenses/CoreLibrary.LICENSE.md"; break; }
done
script_rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >"$stage/BUILD-INFO" <<EOF
nanoFramework toolchain for Edge's NanoClr tests, built by tools/nanoclr/build.sh (Edge $script_rev)
built:   $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm), in $((SECONDS - started)) s with $jobs jobs
nf-interpreter                $NF_INTERPRETER_REV  targets/posix, Release: bin/x64, bin/x86 (-m32, posix-32bit-size-checks.patch)
metadata-processor            $METADATA_PROCESSOR_REV  v$METADATA_PROCESSOR_VERSION, as net10.0 SDK projects: mdp/mdp.dll
nanoFramework.Runtime.Native  $RUNTIME_NATIVE_REV  v$RUNTIME_NATIVE_VERSION, C# 10: lib/
nanoFramework.TestFramework   $TESTFRAMEWORK_REV  v$TESTFRAMEWORK_VERSION, C# 10: lib/ (TestFramework, UnitTestLauncher)
nanoFramework.CoreLibrary     $CORELIBRARY_VERSION (NuGet): lib/mscorlib.{dll,pe}
fetched from: $(for n in nf-interpreter metadata-processor nanoFramework.TestFramework nanoFramework.Runtime.Native; do
  printf '%s ' "$(git -C "$work/src/$n" config edge.fetchedFrom || echo "$n: unknown")"; done)
compilers: $(g++ --version | head -n 1); cmake $cmake_version; .NET SDK $sdk_version
EOF

rm -rf "$out.new" "$out.old"
cp -a "$stage" "$out.new"
if [ -e "$out" ]; then mv "$out" "$out.old"; fi
mv "$out.new" "$out"
rm -rf "$out.old"

say "done in $((SECONDS - started)) s: $out"
printf '  %s\n' "${timings[@]}"
say "Edge's NanoClr tests use it with EDGE_NANOCLR_HOME=$out; at ${EDGE_HOME:-$HOME/.local/share/edge}/nanoclr they find it with nothing set, unless a shared/nanoclr beside or above the repository comes first"
say "build trees are kept in $work for a quicker second run; delete them when done"
