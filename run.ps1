# TermChat launcher for PowerShell. Same commands as run.sh:
#   ./run.ps1            build if needed, then host a server on port 7777 and open the client
#   ./run.ps1 test       run every test
#   ./run.ps1 ARGS...    pass ARGS to termchat
$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$out = Join-Path $here '.build/termchat'
$stamp = Join-Path $out '.stamp'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error "termchat: the .NET 10 SDK is needed (https://dot.net); 'dotnet' was not found on PATH."
    exit 127
}

function Test-NeedsBuild {
    if (-not (Test-Path $stamp)) { return $true }
    $built = (Get-Item $stamp).LastWriteTimeUtc
    $newer = Get-ChildItem -Path (Join-Path $here 'src') -Recurse -Include *.cs, *.csproj, *.props |
        Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1
    return $null -ne $newer
}

if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    $rest = $args[1..($args.Count)]
    dotnet build (Join-Path $here 'TermChat.sln') -c Release -nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    dotnet test (Join-Path $here 'TermChat.sln') -c Release --no-build -nologo @rest
    exit $LASTEXITCODE
}

if (Test-NeedsBuild) {
    Write-Host 'termchat: building (first run or sources changed)...'
    dotnet build (Join-Path $here 'src/TermChat.Cli/TermChat.Cli.csproj') -c Release -o $out -nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    New-Item -ItemType File -Force -Path $stamp | Out-Null
}
& dotnet (Join-Path $out 'termchat.dll') @args
exit $LASTEXITCODE
