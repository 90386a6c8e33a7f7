#!/bin/sh
# The macOS disk image (build on macOS; not testable on Linux CI):
#   pip install -e '.[dev]' && pyinstaller build.spec && sh resources/packaging/macos/make-dmg.sh
# -> dist/Newsmark-VERSION.dmg holding Newsmark.app and a link to /Applications.
# Signing and notarising need an Apple developer identity:
#   codesign --deep --options runtime --sign "Developer ID Application: ..." dist/Newsmark.app
#   xcrun notarytool submit dist/Newsmark-VERSION.dmg --keychain-profile ... --wait
set -eu
cd "$(dirname "$0")/../../.."
[ -d dist/Newsmark.app ] || { echo "no dist/Newsmark.app: run 'pyinstaller build.spec' on macOS first" >&2; exit 1; }
version=$(python -c 'import newsmark; print(newsmark.__version__)')
stage=$(mktemp -d)
cp -R dist/Newsmark.app "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Newsmark $version" -srcfolder "$stage" -ov -format UDZO "dist/Newsmark-$version.dmg"
rm -rf "$stage"
echo "dist/Newsmark-$version.dmg"
