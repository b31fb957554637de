#!/usr/bin/env bash
# Installs the pinned tools this project uses, skipping any already present
# at the pinned version: just, mdbook, mdbook-mermaid, and Debian's Chromium
# for the book's layout check. Used by `just setup` and by CI (.ci/run);
# `scripts/install-tools.sh book` installs only what the book needs.
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

# mermaid_is_quiet: mdbook builds a one-page book with the mermaid
# preprocessor without a warning.
mermaid_is_quiet() {
  local book out
  book=$(mktemp -d)
  mkdir "$book/src"
  printf '[book]\ntitle = "t"\n\n[preprocessor.mermaid]\ncommand = "mdbook-mermaid"\n' >"$book/book.toml"
  printf '# Summary\n\n- [A](a.md)\n' >"$book/src/SUMMARY.md"
  printf '# A\n' >"$book/src/a.md"
  out=$(mdbook build "$book" --dest-dir "$book/out" 2>&1) || true
  rm -rf "$book"
  ! grep -qi 'warn\|error' <<<"$out"
}

# install_mermaid: mdbook-mermaid's published Cargo.lock pins the
# preprocessor library of mdbook 0.5.0, and built that way it prints "built
# against version 0.5.0 of mdbook, but we're being called from version
# 0.5.4" on every build, which the book's zero-warning check rejects. So it
# is built from its published source with that one library (and what it
# needs) moved to the pinned mdbook's version; the rest of its lock holds.
install_mermaid() {
  if command -v mdbook-mermaid >/dev/null 2>&1 &&
    mdbook-mermaid --version 2>/dev/null | grep -qF "$MDBOOK_MERMAID_VERSION" &&
    mermaid_is_quiet; then
    echo "ok: mdbook-mermaid $MDBOOK_MERMAID_VERSION (built for mdbook $MDBOOK_VERSION)"
    return
  fi
  echo "installing mdbook-mermaid $MDBOOK_MERMAID_VERSION for mdbook $MDBOOK_VERSION (cargo install --locked --path)"
  local work src
  work=$(mktemp -d)
  # cargo has no "download a crate": a throwaway package depending on it,
  # vendored, yields the published source, Cargo.lock included.
  mkdir -p "$work/fetch/src"
  touch "$work/fetch/src/lib.rs"
  printf '[package]\nname = "fetch-mdbook-mermaid"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nmdbook-mermaid = "=%s"\n' \
    "$MDBOOK_MERMAID_VERSION" >"$work/fetch/Cargo.toml"
  (cd "$work/fetch" && cargo vendor --quiet --versioned-dirs "$work/vendor" >/dev/null)
  src="$work/vendor/mdbook-mermaid-$MDBOOK_MERMAID_VERSION"
  (cd "$src" && cargo update --quiet -p mdbook-preprocessor --precise "$MDBOOK_VERSION")
  cargo install --locked --force --path "$src"
  rm -rf "$work"
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

only=${1:-all}
if [ "$only" = all ] || [ "$only" = just ]; then
  install_crate just "$JUST_VERSION"
fi
if [ "$only" = all ] || [ "$only" = book ]; then
  install_crate mdbook "$MDBOOK_VERSION"
  install_mermaid
  install_chromium
fi
