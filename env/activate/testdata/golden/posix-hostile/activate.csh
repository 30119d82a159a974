# This file must be used with "source bin/activate.csh" *from csh*.
# You cannot run it directly.
# Written by coil in the shape of CPython's venv script (by Davide Di Blasi and Andrew Svetlov).

alias deactivate 'test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH "$_OLD_VIRTUAL_PATH:q" && unset _OLD_VIRTUAL_PATH; test $?_OLD_VIRTUAL_PYTHONHOME != 0 && setenv PYTHONHOME "$_OLD_VIRTUAL_PYTHONHOME:q" && unset _OLD_VIRTUAL_PYTHONHOME; rehash; test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt="$_OLD_VIRTUAL_PROMPT:q" && unset _OLD_VIRTUAL_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\!:*" != "nondestructive" && unalias deactivate'

# Unset irrelevant variables.
deactivate nondestructive

setenv VIRTUAL_ENV '/tmp/my env é 日本 '\''q'\'' "dq" $x `bt` \!b \bs #h'

set _OLD_VIRTUAL_PATH="$PATH:q"
setenv PATH '/tmp/my env é 日本 '\''q'\'' "dq" $x `bt` \!b \bs #h/bin'":$PATH:q"
setenv VIRTUAL_ENV_PROMPT 'p $HOME `id` %n \! \ '\''q'\'' é'

if ($?PYTHONHOME) then
    set _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME:q"
    unsetenv PYTHONHOME
endif

# A non-interactive shell has no prompt variable and no prompt to change. The prefix is
# escaped for the shell's prompt expansion, which differs between tcsh and csh.
if ($?prompt) then
    set _coil_set_prompt = 1
    if ($?VIRTUAL_ENV_DISABLE_PROMPT) then
        if ("$VIRTUAL_ENV_DISABLE_PROMPT:q" != "") set _coil_set_prompt = 0
    endif
    if ($_coil_set_prompt == 1) then
        set _OLD_VIRTUAL_PROMPT="$prompt:q"
        if ($?tcsh) then
            set prompt = '(p $HOME `id` %%n \\! \\ '\''q'\'' é) '"$prompt:q"
        else
            set prompt = '(p $HOME `id` %n \\! \ '\''q'\'' é) '"$prompt:q"
        endif
    endif
    unset _coil_set_prompt
endif

rehash
