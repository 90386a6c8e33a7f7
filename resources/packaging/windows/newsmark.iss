; Inno Setup script for the Windows installer (build on Windows; not testable on Linux CI):
;   pip install -e ".[dev]" && pyinstaller build.spec
;   iscc /DVersion=0.1.0 resources\packaging\windows\newsmark.iss   ->  dist\newsmark-0.1.0-setup.exe
; Installs per user by default (no administrator rights), with a Start menu entry and an
; uninstaller; the icon is the one build.spec drew from the SVG (build\build\icons).
#ifndef Version
  #define Version "0.0.0"
#endif
#define Root "..\..\.."

[Setup]
AppId={{6E1F2C3A-4B5D-4E6F-8A9B-0C1D2E3F4A5B}
AppName=Newsmark
AppVersion={#Version}
AppPublisher=The Newsmark developers
DefaultDirName={autopf}\Newsmark
DefaultGroupName=Newsmark
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#Root}\dist
OutputBaseFilename=newsmark-{#Version}-setup
SetupIconFile={#Root}\build\build\icons\newsmark.ico
UninstallDisplayIcon={app}\newsmark.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "{#Root}\dist\newsmark\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Newsmark"; Filename: "{app}\newsmark.exe"
Name: "{group}\Uninstall Newsmark"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Newsmark"; Filename: "{app}\newsmark.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; Flags: unchecked

[Run]
Filename: "{app}\newsmark.exe"; Description: "Start Newsmark"; Flags: nowait postinstall skipifsilent
