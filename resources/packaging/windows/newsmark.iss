; Inno Setup script for the Windows installer (build on Windows; not testable on Linux CI):
;   pip install -e ".[dev]" && pyinstaller build.spec
;   iscc /DVersion=0.1.0 resources\packaging\windows\newsmark.iss   ->  dist\newsmark-0.1.0-setup.exe
; Installs per user by default (no administrator rights), with a Start menu entry for the
; windowed app (newsmark-window.exe: no console window), the install folder on the user's PATH
; (or the system's, installed for all users) so that the `newsmark` command works in a new
; terminal, .newsmark files opened by the app, and an uninstaller that takes the PATH entry
; out again; the icon is the one build.spec drew from the SVG (build\build\icons).
; Needs Inno Setup 6.3 or later (the "x64compatible" architecture identifier).
#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or later is needed (x64compatible)
#endif
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
UninstallDisplayIcon={app}\newsmark-window.exe
ChangesEnvironment=yes
ChangesAssociations=yes
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "{#Root}\dist\newsmark\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Newsmark"; Filename: "{app}\newsmark-window.exe"
Name: "{group}\Uninstall Newsmark"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Newsmark"; Filename: "{app}\newsmark-window.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; Flags: unchecked
Name: "addtopath"; Description: "Add the newsmark command to PATH"

[Run]
Filename: "{app}\newsmark-window.exe"; Description: "Start Newsmark"; Flags: nowait postinstall skipifsilent

[Registry]
; the command on PATH: the user's (HKCU) or, installed for all users, the system's (HKLM)
Root: HKA; Subkey: "{code:EnvKey}"; ValueType: expandsz; ValueName: "Path"; \
    ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))
; .newsmark files open in the window
Root: HKA; Subkey: "Software\Classes\.newsmark"; ValueType: string; ValueData: "Newsmark.Project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Newsmark.Project"; ValueType: string; ValueData: "Newsmark project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Newsmark.Project\DefaultIcon"; ValueType: string; ValueData: "{app}\newsmark-window.exe,0"
Root: HKA; Subkey: "Software\Classes\Newsmark.Project\shell\open\command"; ValueType: string; ValueData: """{app}\newsmark-window.exe"" ""%1"""

[Code]
function EnvKey(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function EnvRoot: Integer;
begin
  if IsAdminInstallMode then Result := HKEY_LOCAL_MACHINE else Result := HKEY_CURRENT_USER;
end;

function NotOnPath(Dir: String): Boolean;
var
  Paths: String;
begin
  if not RegQueryStringValue(EnvRoot, EnvKey(''), 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Paths, Dir: String;
  P: Integer;
begin
  if CurUninstallStep <> usPostUninstall then exit;
  if not RegQueryStringValue(EnvRoot, EnvKey(''), 'Path', Paths) then exit;
  Dir := ExpandConstant('{app}');
  P := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';');
  if P = 0 then exit;
  if P = 1 then
    Delete(Paths, 1, Length(Dir) + 1)   { first: the directory and the ";" after it }
  else
    Delete(Paths, P - 1, Length(Dir) + 1);  { the ";" before it and the directory }
  RegWriteExpandStringValue(EnvRoot, EnvKey(''), 'Path', Paths);
end;
