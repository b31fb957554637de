# Socket programming in Rust, next to the Python tutorials it ports.
# Run `just` to see every recipe.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Recipes for the exercises, the book and the benchmark live beside this file.
import 'just/exercises.just'
import 'just/book.just'
import 'just/bench.just'

# List every recipe with what it does.
default:
    @just --list --unsorted

# Run a lesson program, e.g. `just run tcp-echo-server --port 0` (no name: the list of programs).
[positional-arguments]
[no-exit-message]
run bin="" *args:
    #!/usr/bin/env bash
    set -euo pipefail
    # The lesson programs: every crates/<lesson>/src/bin/<name>.rs.
    names=$(for f in crates/*/src/bin/*.rs; do basename "$f" .rs; done | sort)
    if [ -z "$1" ]; then
        echo "error: name the program to run, e.g. \`just run tcp-echo-server\`" >&2
    elif ! grep -qxF -- "$1" <<<"$names"; then
        echo "error: there is no program called \"$1\"" >&2
    else
        exec cargo run -q --bin "$1" -- "${@:2}"
    fi
    echo "the programs are: $(echo $names | sed 's/ /, /g')" >&2
    exit 2

# The socket lab: `just lab` lists the topics, `just lab inet` runs one (add --transcript for the book's form).
[positional-arguments]
[no-exit-message]
lab *args:
    @cargo run -q -p socket-lab -- "$@"

# Run a lesson's server and client together on scripted input, both sides shown: `just demo tcp-echo` (no name: the list of lessons; add --transcript for the book's form).
[no-exit-message]
demo lesson="" *flags:
    @cargo build -q --bins
    @cargo run -q -p demo -- {{ quote(lesson) }} {{flags}}

# A faulty network between a UDP client and server: `just udp-relay --listen 127.0.0.1:9001 --to 127.0.0.1:9000 --plan ok,drop,late,ok,dup` (or --drop 0.2 --dup 0.1 --delay 0.1 --reorder --seed 7).
[positional-arguments]
[no-exit-message]
udp-relay *args:
    @cargo run -q -p udp-relay -- "$@"

# Both UDP clients through the relay: 1,000 messages with 20% loss, 10% duplication, 10% delay; no answer may be misplaced.
udp-relay-check:
    cargo test -q -p udp-echo --test faults -- --ignored --nocapture
    cargo test -q -p udp-chat --test faults -- --ignored --nocapture

# Everything CI checks: formatting, clippy, every test, the exercises, the book and the benchmark smoke run.
test: _book-tools lint test-rust test-exercises test-book test-bench

# The book's pinned tools, installed once (`cargo install --locked`), then skipped.
_book-tools:
    @scripts/install-tools.sh book

# Formatting and lints: `cargo fmt --check`, clippy with warnings as errors.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# The workspace's tests: every lesson end to end, against its Python both ways.
test-rust:
    cargo test --workspace

# Install the pinned tools: just, mdbook, mdbook-mermaid, mdbook-i18n-helpers; GNU gettext, Chromium and a CJK font for the book's checks (apt-get, as root).
setup:
    scripts/install-tools.sh all
