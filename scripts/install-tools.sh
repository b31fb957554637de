#!/usr/bin/env bash
# Installs the pinned tools this project uses, skipping any already present
# at the pinned version. Used by `just setup` and by CI (.ci/run).
set -euo pipefail

JUST_VERSION=1.59.0
MDBOOK_VERSION=0.5.4
MDBOOK_MERMAID_VERSION=0.17.1

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# install_crate NAME VERSION: `cargo install --locked` unless `NAME --version`
# already reports VERSION.
install_crate() {
  local name=$1 version=$2
  if command -v "$name" >/dev/null 2>&1 && "$name" --version 2>/dev/null | grep -qF "$version"; then
    echo "ok: $name $version"
  else
    echo "installing $name $version (cargo install --locked)"
    cargo install --locked "$name@$version"
  fi
}

only=${1:-all}
if [ "$only" = all ] || [ "$only" = just ]; then
  install_crate just "$JUST_VERSION"
fi
if [ "$only" = all ] || [ "$only" = book ]; then
  install_crate mdbook "$MDBOOK_VERSION"
  install_crate mdbook-mermaid "$MDBOOK_MERMAID_VERSION"
fi
