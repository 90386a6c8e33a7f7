#!/bin/sh
# Installs Newsmark for the current user: the app in ~/.local/share/newsmark/app, the command
# in ~/.local/bin, the menu entry and icons in ~/.local/share.  Run from the unpacked archive.
# Needs on a bare Debian: libgl1 libegl1 fontconfig-config fonts-dejavu-core (and for the
# window under X11: libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
mkdir -p "$data/newsmark" "$bin" "$data/applications"
rm -rf "$data/newsmark/app"
cp -a "$here/newsmark" "$data/newsmark/app"
ln -sf "$data/newsmark/app/newsmark" "$bin/newsmark"
for png in "$here"/icons/*.png; do
  size=$(basename "$png" .png)
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$data/icons/hicolor/${size}x${size}/apps/newsmark.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps"
cp "$here/icons/newsmark.svg" "$data/icons/hicolor/scalable/apps/newsmark.svg"
sed "s|^Exec=newsmark|Exec=$bin/newsmark|" "$here/newsmark.desktop" > "$data/applications/newsmark.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "Newsmark installed: run 'newsmark' (in $bin) or choose it in the applications menu."
