<#
.Synopsis
Turns on a coil-made Python environment in this PowerShell session.

.Description
Sets VIRTUAL_ENV and VIRTUAL_ENV_PROMPT, puts the environment's scripts
directory first on PATH, sets PYTHONHOME aside and shows "(name) " before the
prompt unless VIRTUAL_ENV_DISABLE_PROMPT is set. `deactivate` undoes all of it.

.Parameter VenvDir
Another environment directory to turn on, instead of the one coil wrote this
script into.

.Parameter Prompt
The name to show in the prompt, instead of the one the environment was made with.

.Notes
Where scripts are blocked, `Set-ExecutionPolicy -Scope CurrentUser RemoteSigned`
lets local ones run for your account.
#>
[CmdletBinding()]
param(
    [String] $VenvDir,
    [String] $Prompt
)

# Undoes this script. With -NonDestructive, the function itself stays, which is
# how a new activation first clears an older one.
function global:deactivate ([switch]$NonDestructive) {
    if (Test-Path -Path Function:_OLD_VIRTUAL_PROMPT) {
        Copy-Item -Path Function:_OLD_VIRTUAL_PROMPT -Destination Function:prompt
        Remove-Item -Path Function:_OLD_VIRTUAL_PROMPT
    }
    Remove-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Scope Global -Force -ErrorAction Ignore

    foreach ($name in 'PATH', 'PYTHONHOME') {
        if (Test-Path -Path "Env:_OLD_VIRTUAL_$name") {
            Copy-Item -Path "Env:_OLD_VIRTUAL_$name" -Destination "Env:$name"
            Remove-Item -Path "Env:_OLD_VIRTUAL_$name"
        }
    }
    foreach ($name in 'VIRTUAL_ENV', 'VIRTUAL_ENV_PROMPT') {
        if (Test-Path -Path "Env:$name") {
            Remove-Item -Path "Env:$name"
        }
    }

    if (-not $NonDestructive) {
        Remove-Item -Path Function:deactivate
    }
}

# coil wrote in the paths of the environment this script belongs to; -VenvDir
# points elsewhere, and then its scripts directory has the same name as ours.
if ($VenvDir) {
    $VenvBinDir = Join-Path -Path $VenvDir -ChildPath 'bin'
}
else {
    $VenvDir = '/tmp/my env é 日本 ''q'' "dq" $x `bt` !b \bs #h'
    $VenvBinDir = '/tmp/my env é 日本 ''q'' "dq" $x `bt` !b \bs #h/bin'
}
if (-not $Prompt) {
    $Prompt = 'p $HOME `id` %n ! \ ''q'' é'
}
Write-Verbose "coil: activating '$VenvDir' as '$Prompt', scripts in '$VenvBinDir'"

deactivate -NonDestructive

$Env:VIRTUAL_ENV = $VenvDir
$Env:VIRTUAL_ENV_PROMPT = $Prompt

# A PYTHONHOME meant for another installation would mislead this one's python.
if (Test-Path -Path Env:PYTHONHOME) {
    Copy-Item -Path Env:PYTHONHOME -Destination Env:_OLD_VIRTUAL_PYTHONHOME
    Remove-Item -Path Env:PYTHONHOME
}

Copy-Item -Path Env:PATH -Destination Env:_OLD_VIRTUAL_PATH
$Env:PATH = $VenvBinDir + [System.IO.Path]::PathSeparator + $Env:PATH

if (-not $Env:VIRTUAL_ENV_DISABLE_PROMPT) {
    # Copying into Function: from inside a script needs a global function of that
    # name to land on; otherwise the copy would vanish with the script's scope.
    function global:_OLD_VIRTUAL_PROMPT { "" }
    Copy-Item -Path Function:prompt -Destination Function:_OLD_VIRTUAL_PROMPT

    # Read-only, so only deactivate (which uses -Force) takes it away.
    New-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Scope Global -Option ReadOnly -Value $Prompt `
        -Description "name of the active Python environment, shown by the prompt"

    function global:prompt {
        Write-Host -NoNewline -ForegroundColor Green "($_PYTHON_VENV_PROMPT_PREFIX) "
        _OLD_VIRTUAL_PROMPT
    }
}
