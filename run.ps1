# TermChat launcher for PowerShell 7. Same commands as run.sh:
#   ./run.ps1            build if needed, then host a server on port 7777 and open the client
#   ./run.ps1 test       run every test (on Linux and macOS also the scripted tests in tests/scripts)
#   ./run.ps1 pack       make the .NET tool package in artifacts/
#   ./run.ps1 publish [RID...]
#                        self-contained single-file binaries in artifacts/<rid>/ (default: every supported RID);
#                        on Linux, run.sh publish also builds linux-x64 with Native AOT
#   ./run.ps1 ARGS...    pass ARGS to termchat
$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$out = Join-Path $here '.build/termchat'
$stamp = Join-Path $out '.stamp'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine("termchat: the .NET 10 SDK is needed (https://dot.net); 'dotnet' was not found on PATH.")
    exit 127
}

function Test-NeedsBuild {
    # -Force: on Linux and macOS a dot-file counts as hidden, and Get-Item refuses hidden items without it.
    if (-not (Test-Path -LiteralPath $stamp)) { return $true }
    $built = (Get-Item -LiteralPath $stamp -Force).LastWriteTimeUtc
    $sources = @(Join-Path $here 'src'; Join-Path $here 'Directory.Build.props'; Join-Path $here 'Directory.Packages.props')
    $newer = Get-ChildItem -Path $sources -Recurse -File -Include *.cs, *.csproj, *.props |
        Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1
    return $null -ne $newer
}

# Runs dotnet quietly: its output only on failure, on stderr, so stdout stays for the caller (as run.sh does).
function Invoke-Quietly([string[]] $arguments) {
    $log = & dotnet @arguments 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        exit 1
    }
}

$artifacts = Join-Path $here 'artifacts'
$cli = Join-Path $here 'src/TermChat.Cli/TermChat.Cli.csproj'

if ($args.Count -gt 0 -and $args[0] -eq 'pack') {
    [Console]::Error.WriteLine('termchat: packing the .NET tool...')
    Invoke-Quietly @('pack', $cli, '-c', 'Release', '-o', $artifacts, '-nologo', '-v', 'quiet')
    Get-ChildItem -Path $artifacts -Filter 'termchat.*.nupkg' | ForEach-Object { $_.FullName }
    exit 0
}

if ($args.Count -gt 0 -and $args[0] -eq 'publish') {
    # The same RIDs as run.sh; here every one is a trimmed single file (Native AOT cannot cross-compile).
    $all = @('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64', 'osx-x64')
    $rids = @($args | Select-Object -Skip 1)
    if ($rids.Count -eq 0) { $rids = $all }
    foreach ($rid in $rids) {
        if ($all -notcontains $rid) {
            [Console]::Error.WriteLine("termchat: no binary is built for '$rid'; choose from: $($all -join ' ')")
            exit 2
        }
        [Console]::Error.WriteLine("termchat: publishing $rid...")
        $dir = Join-Path $artifacts $rid
        if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
        Invoke-Quietly @('publish', $cli, '-c', 'Release', '-r', $rid, '-p:SelfContained=true', '-p:PublishTrimmed=true',
            '-p:PublishSingleFile=true', '-p:EnableCompressionInSingleFile=true', '-p:IncludeNativeLibrariesForSelfExtract=true', '-p:DebugType=none',
            '-p:GenerateDocumentationFile=false', '-p:AllowedReferenceRelatedFileExtensions=none', '-o', $dir, '-nologo', '-v', 'quiet')
        Get-ChildItem -Path $dir -Filter 'termchat*' | ForEach-Object { $_.FullName }
    }
    exit 0
}

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = @($args | Select-Object -Skip 1)
    # Servers keep history under XDG_DATA_HOME (LOCALAPPDATA on Windows) by default: the tests get a private one.
    $testData = Join-Path ([IO.Path]::GetTempPath()) "termchat-test-data-$PID"
    New-Item -ItemType Directory -Force -Path $testData | Out-Null
    $env:XDG_DATA_HOME = $testData
    if ($IsWindows) { $env:LOCALAPPDATA = $testData }
    dotnet build (Join-Path $here 'TermChat.sln') -c Release -nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    dotnet test (Join-Path $here 'TermChat.sln') -c Release --no-build -nologo @rest
    $failed = $LASTEXITCODE
    # The scripted tests run.sh runs too: network namespaces and tools only Linux has (each says SKIP without them).
    if (-not $IsWindows) {
        foreach ($script in Get-ChildItem -Path (Join-Path $here 'tests/scripts') -Filter *.sh | Sort-Object Name) {
            Write-Output "== $($script.Name)"
            bash $script.FullName
            if ($LASTEXITCODE -ne 0) { $failed = $LASTEXITCODE }
        }
    }
    Remove-Item -Recurse -Force -Path $testData -ErrorAction SilentlyContinue
    exit $failed
}

if (Test-NeedsBuild) {
    # Progress and build output go to stderr, and only when the build fails: stdout stays termchat's (e.g. --json).
    [Console]::Error.WriteLine('termchat: building (first run or sources changed)...')
    $log = dotnet build (Join-Path $here 'src/TermChat.Cli/TermChat.Cli.csproj') -c Release -o $out -nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        exit 1
    }
    New-Item -ItemType File -Force -Path $stamp | Out-Null
}

# PowerShell cannot replace itself with termchat as run.sh does with exec, and a signal to pwsh is not passed on
# to its child. So termchat watches this process: when pwsh ends (stopped, killed, its terminal closed), termchat
# shuts down as on Ctrl+C, and a server drains and exits instead of living on as an orphan.
$env:TERMCHAT_PARENT_PID = "$PID"
& dotnet (Join-Path $out 'termchat.dll') @args
exit $LASTEXITCODE
