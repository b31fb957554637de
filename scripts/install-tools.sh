#!/usr/bin/env bash
# Installs the pinned tools this project uses, skipping any already present
# at the pinned version: just, mdbook, mdbook-mermaid, mdbook-i18n-helpers
# (the Chinese book), GNU gettext (msgmerge, msgfmt), and Debian's Chromium
# with a CJK font for the book's layout check. Used by `just setup`, `just test` (book
# tools only) and CI (.ci/run).
set -euo pipefail

JUST_VERSION=1.59.0
# mdbook-mermaid 0.17.1's lock file builds it against mdbook 0.5.0, and a
# preprocessor built for another mdbook version warns on every build (the
# book's check allows no warnings), so mdbook is pinned to that version.
MDBOOK_VERSION=0.5.0
MDBOOK_MERMAID_VERSION=0.17.1
# mdbook-i18n-helpers 0.4.0 is the release built against mdbook 0.5.0 (its
# Cargo.lock); it provides mdbook-xgettext and the mdbook-gettext
# preprocessor.
MDBOOK_I18N_VERSION=0.4.0

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

# install_cargo_package CRATE VERSION: for crates whose binaries have
# another name (mdbook-i18n-helpers installs mdbook-gettext and friends):
# `cargo install --list` says which version is installed.
install_cargo_package() {
  local crate=$1 version=$2
  if cargo install --list 2>/dev/null | grep -qF "$crate v$version:"; then
    echo "ok: $crate $version"
  else
    echo "installing $crate $version (cargo install --locked)"
    cargo install --locked "$crate@$version"
  fi
}

# install_apt COMMAND PACKAGE WHY: Debian's PACKAGE when COMMAND is missing,
# as root with apt-get; otherwise say how.
install_apt() {
  local command=$1 package=$2 why=$3
  if command -v "$command" >/dev/null 2>&1; then
    echo "ok: $command ($package)"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $package (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
  else
    echo "$command is not installed: $why"
    echo "  install it with: sudo apt-get install $package   (Debian/Ubuntu)"
  fi
}

# install_cjk_font: the Chinese book needs a CJK font, or browsers draw boxes.
install_cjk_font() {
  if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; then
    echo "ok: a CJK font ($(fc-list :lang=zh family | head -n 1))"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing fonts-wqy-microhei (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei fontconfig
  else
    echo "no CJK font found: the Chinese book's text may show as boxes."
    echo "  install one with: sudo apt-get install fonts-wqy-microhei   (Debian/Ubuntu)"
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

# What to install: all (default), just, book (mdbook, mdbook-mermaid and
# mdbook-i18n-helpers), gettext, or chromium (with a CJK font). `just test` asks for `book` only: it never changes system
# packages on a learner's machine.
only=${1:-all}
case "$only" in
  all | just | book | gettext | chromium) ;;
  *)
    echo "usage: $0 [all|just|book|gettext|chromium]" >&2
    exit 2
    ;;
esac
if [ "$only" = all ] || [ "$only" = just ]; then
  install_crate just "$JUST_VERSION"
fi
if [ "$only" = all ] || [ "$only" = book ]; then
  install_crate mdbook "$MDBOOK_VERSION"
  install_crate mdbook-mermaid "$MDBOOK_MERMAID_VERSION"
  install_cargo_package mdbook-i18n-helpers "$MDBOOK_I18N_VERSION"
fi
if [ "$only" = all ] || [ "$only" = gettext ]; then
  install_apt msgmerge gettext "the translation check (just test-book) and just book-translate need GNU gettext"
fi
if [ "$only" = all ] || [ "$only" = chromium ]; then
  install_chromium
  install_cjk_font
fi
