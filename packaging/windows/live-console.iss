; Inno Setup 6 script: the Windows installer for Live Console.
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\live-console.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\live-console.iss
;
; turns dist\live-console\ into dist\live-console-<version>-windows-x64-setup.exe: a
; per-user install by default (no administrator needed), or for all users when the
; person installing chooses it; a Start-menu entry; an uninstaller in Apps & features.
; Sessions, settings and logs live in the user's data folder and stay on uninstall.
;
; Signing: define Sign and give ISCC a sign tool named "signtool", e.g.
;   iscc /DAppVersion=0.1.0 /DSign "/Ssigntool=signtool.exe sign /fd sha256 /tr <your CA's timestamp URL> /td sha256 /f cert.pfx /p PASSWORD $f" packaging\windows\live-console.iss
; Inno Setup then signs the installer and the uninstaller. packaging/README.md has the details.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z live-console.iss
#endif
#define AppName "Live Console"
#define AppExe "live-console.exe"
#define Root "..\.."

[Setup]
; The AppId identifies the product to Windows across versions: never change it.
AppId={{5C3E8F2A-7B41-4D6E-9A0C-2F8B6D1E4A73}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=live-console-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\build\icons\live-console.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\live-console\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
