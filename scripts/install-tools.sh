#!/usr/bin/env bash
# Installs the pinned tools this project uses, skipping any already present
# at the pinned version: just, mdbook, mdbook-mermaid, and Debian's Chromium
# for the book's layout check. Used by `just setup`, `just test` (book
# tools only) and CI (.ci/run).
set -euo pipefail

JUST_VERSION=1.59.0
# mdbook-mermaid 0.17.1's lock file builds it against mdbook 0.5.0, and a
# preprocessor built for another mdbook version warns on every build (the
# book's check allows no warnings), so mdbook is pinned to that version.
MDBOOK_VERSION=0.5.0
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

# install_chromium: the book's layout check opens pages in headless Chromium.
# As root with apt-get (CI, containers) install Debian's package; otherwise
# say how, since a learner's machine may not want a system package changed.
install_chromium() {
  local found
  for found in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$found" >/dev/null 2>&1; then
      echo "ok: $found ($("$found" --version 2>/dev/null | head -n 1))"
      return
    fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "chromium is not installed: the book's layout check will skip."
    echo "  install it with: sudo apt-get install chromium   (Debian/Ubuntu)"
    echo "  or point BOOK_CHROMIUM at a Chromium or Chrome binary."
  fi
}

# What to install: all (default), just, book (mdbook and mdbook-mermaid), or
# chromium. `just test` asks for `book` only: it never changes system
# packages on a learner's machine.
only=${1:-all}
case "$only" in
  all | just | book | chromium) ;;
  *)
    echo "usage: $0 [all|just|book|chromium]" >&2
    exit 2
    ;;
esac
if [ "$only" = all ] || [ "$only" = just ]; then
  install_crate just "$JUST_VERSION"
fi
if [ "$only" = all ] || [ "$only" = book ]; then
  install_crate mdbook "$MDBOOK_VERSION"
  install_crate mdbook-mermaid "$MDBOOK_MERMAID_VERSION"
fi
if [ "$only" = all ] || [ "$only" = chromium ]; then
  install_chromium
fi
