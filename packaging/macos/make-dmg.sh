#!/bin/sh
# The macOS disk image: "dist/Live Console.app" (packaging/live-console.spec, built on a
# Mac) beside a link to /Applications, compressed into
# dist/live-console-VERSION-macos-ARCH.dmg with hdiutil.
#
#     packaging/macos/make-dmg.sh VERSION
#
# Sign and notarize the app before this and the .dmg after it: packaging/README.md.
set -eu
version=${1:?usage: make-dmg.sh VERSION}
cd "$(dirname "$0")/../.."
app="dist/Live Console.app"
if [ ! -d "$app" ]; then
    echo "make-dmg.sh: no $app; build it first: pyinstaller packaging/live-console.spec" >&2
    exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/Live Console.app"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Live Console" -srcfolder "$stage" -fs HFS+ -format UDZO -ov \
    "dist/live-console-$version-macos-$(uname -m).dmg"
