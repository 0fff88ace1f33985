; Inno Setup script: Planner-<version>-setup.exe from the PyInstaller folder build/dist/planner.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\planner.iss
;
; Run from the repository root after `pyinstaller packaging/planner.spec --distpath build/dist`.
; Installs per user by default (no administrator rights needed); the setup offers all users.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Planner"
#define AppExe "Planner.exe"
#define Root "..\.."

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied to one installation: never change it.
AppId={{6E1B7C52-4A8F-4E35-9D0C-2F5B8A9C1D47}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Planner developers
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\build\installer
OutputBaseFilename=Planner-{#AppVersion}-setup
SetupIconFile={#Root}\resources\planner.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\build\dist\planner\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Inventory and backorder planning"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder: workspaces in the user's documents and data folder are kept.
Type: filesandordirs; Name: "{app}\_internal"
