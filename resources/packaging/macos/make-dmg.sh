#!/bin/sh
# The macOS disk image (build on macOS; checked on Linux by tests/portability/test_installers.py):
#   pip install -e '.[dev]' && pyinstaller build.spec && sh resources/packaging/macos/make-dmg.sh
# -> dist/Newsmark-VERSION.dmg holding Newsmark.app and a link to /Applications.
# With an Apple developer identity, the app is signed (inside out, hardened runtime: not with
# --deep, which signs nested code with the wrong options), the dmg built from the signed app,
# signed, notarised and the ticket stapled to it, so that it opens offline too:
#   SIGN_IDENTITY="Developer ID Application: ..." NOTARY_PROFILE=profile sh .../make-dmg.sh
# (NOTARY_PROFILE: a keychain profile made with `xcrun notarytool store-credentials`).
# The command line is Newsmark.app/Contents/MacOS/newsmark; link it onto your PATH:
#   ln -s /Applications/Newsmark.app/Contents/MacOS/newsmark /usr/local/bin/newsmark
set -eu
cd "$(dirname "$0")/../../.."
app=dist/Newsmark.app
[ -d "$app" ] || { echo "no $app: run 'pyinstaller build.spec' on macOS first" >&2; exit 1; }
# the version from the source, without a Python (stock macOS has no `python`)
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' src/newsmark/__init__.py)
[ -n "$version" ] || { echo "no __version__ in src/newsmark/__init__.py" >&2; exit 1; }
entitlements=resources/packaging/macos/entitlements.plist
if [ -n "${SIGN_IDENTITY:-}" ]; then
  # inside out: every library and executable, then the bundle
  find "$app/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime --entitlements "$entitlements" --sign "$SIGN_IDENTITY"
  codesign --force --timestamp --options runtime --entitlements "$entitlements" --sign "$SIGN_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
fi
dmg="dist/Newsmark-$version.dmg"
stage=$(mktemp -d)
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Newsmark $version" -srcfolder "$stage" -ov -format UDZO "$dmg"
rm -rf "$stage"
if [ -n "${SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$SIGN_IDENTITY" "$dmg"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
  fi
fi
echo "$dmg"
