#!/bin/sh
# Peak memory (max RSS) and time of `genre classify`'s streamed path against
# the previous whole-file path, on long 44.1 kHz stereo files written here:
# 1 h as WAV, 3 h as MP3 (lame, 128 kbit/s) when lame is installed.
# The 10 s file gives the idle level (startup, embedded model).
# Usage: scripts/bench_stream.sh [DIR]   (DIR: scratch space, ~1 GB)
set -eu
dir=${1:-$(mktemp -d)}
cargo build --release --example stream_memory
bin=target/release/examples/stream_memory
"$bin" write "$dir/10s.wav" 10
"$bin" write "$dir/1h.wav" 3600
files="$dir/10s.wav $dir/1h.wav"
if command -v lame >/dev/null; then
    "$bin" write "$dir/3h.wav" 10800
    lame --quiet -b 128 "$dir/3h.wav" "$dir/3h.mp3" && rm "$dir/3h.wav"
    files="$files $dir/3h.mp3"
fi
for f in $files; do
    for mode in stream whole; do
        out=$(/usr/bin/time -v "$bin" $mode "$f" 2>"$dir/time.txt")
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time.txt")
        echo "$(basename "$f") $mode: $out max RSS ${kb} kB"
    done
done
