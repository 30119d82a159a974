@echo off
rem Written by coil in the shape of CPython's venv script and virtualenv's.
rem No () blocks around PATH: a ")" in it, as in "Program Files (x86)", would end them.

rem This file is UTF-8 encoded, so we need to update the current code page while executing it
for /f "tokens=2 delims=:." %%a in ('"%SystemRoot%\System32\chcp.com"') do (
    set _OLD_CODEPAGE=%%a
)
if defined _OLD_CODEPAGE (
    "%SystemRoot%\System32\chcp.com" 65001 > nul
)

rem Undo an activation still in effect, so that its values are not saved as the ones to restore.
if not defined _OLD_VIRTUAL_PROMPT goto ENDIFOLDPROMPT
    set "PROMPT=%_OLD_VIRTUAL_PROMPT%"
    set _OLD_VIRTUAL_PROMPT=
:ENDIFOLDPROMPT
if not defined _OLD_VIRTUAL_PYTHONHOME goto ENDIFOLDHOME
    set "PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%"
    set _OLD_VIRTUAL_PYTHONHOME=
:ENDIFOLDHOME
if not defined _OLD_VIRTUAL_PATH goto ENDIFOLDPATH
    set "PATH=%_OLD_VIRTUAL_PATH%"
    set _OLD_VIRTUAL_PATH=
:ENDIFOLDPATH

set "VIRTUAL_ENV=C:\Users\user\My Projects (x86)\100%% & co\.venv"
set "VIRTUAL_ENV_PROMPT=proj $P & 100%% ‘q’"

if defined VIRTUAL_ENV_DISABLE_PROMPT goto ENDIFPROMPT
    if not defined PROMPT set "PROMPT=$P$G"
    set "_OLD_VIRTUAL_PROMPT=%PROMPT%"
    set "PROMPT=(proj $$P & 100%% ‘q’) %PROMPT%"
:ENDIFPROMPT

if not defined PYTHONHOME goto ENDIFHOME
    set "_OLD_VIRTUAL_PYTHONHOME=%PYTHONHOME%"
    set PYTHONHOME=
:ENDIFHOME

set "_OLD_VIRTUAL_PATH=%PATH%"
set "PATH=C:\Users\user\My Projects (x86)\100%% & co\.venv\Scripts;%PATH%"

:END
if defined _OLD_CODEPAGE (
    "%SystemRoot%\System32\chcp.com" %_OLD_CODEPAGE% > nul
    set _OLD_CODEPAGE=
)
