# coil's activation for fish. Read it into the running shell:
#     source path/to/activate.fish
# Executed as a program it would only change a short-lived child fish.
#
# What it leaves behind while the environment is active, under the names
# virtualenvwrapper, pyenv-virtualenv and prompt themes already look for:
#   VIRTUAL_ENV, VIRTUAL_ENV_PROMPT   the environment and its display name
#   _OLD_VIRTUAL_PATH                 PATH as it was before
#   _OLD_VIRTUAL_PYTHONHOME           PYTHONHOME, which is unset meanwhile
#   _OLD_FISH_PROMPT_OVERRIDE         marks that fish_prompt is wrapped; the
#                                     user's own function waits as _old_fish_prompt
# Builtins are named with `builtin` so that a user function called set_color,
# printf, functions or source cannot change what happens here.

function deactivate -d "Undo coil's activate.fish; with 'nondestructive', keep this function"
    if test -n "$_OLD_FISH_PROMPT_OVERRIDE"
        set -e _OLD_FISH_PROMPT_OVERRIDE
        # The marker is exported, the function is not: a child fish has only the
        # former, and then there is nothing to swap back.
        if builtin functions -q _old_fish_prompt
            builtin functions -e fish_prompt
            builtin functions -c _old_fish_prompt fish_prompt
            builtin functions -e _old_fish_prompt
        end
    end

    # Whatever was saved goes back, an empty value included.
    for name in PATH PYTHONHOME
        set -l saved _OLD_VIRTUAL_$name
        if set -q $saved
            set -gx $name $$saved
            set -e $saved
        end
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT

    if test "$argv[1]" != nondestructive
        builtin functions -e deactivate
    end
end

# Leave whichever environment is active now (ours or another's), but keep the
# function defined above.
deactivate nondestructive

set -gx VIRTUAL_ENV 'C:\\Users\\user\\My Projects (x86)\\100% & co\\.venv'
# Cygwin and MSYS2 want a POSIX path, not the Windows one written here.
if string match -qr 'CYGWIN|MSYS|MINGW' (uname)
    set -gx VIRTUAL_ENV (cygpath -u $VIRTUAL_ENV)
end
set -gx VIRTUAL_ENV_PROMPT 'proj $P & 100% ‘q’'

# A PYTHONHOME meant for another installation would mislead this one's python.
if set -q PYTHONHOME
    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

set -gx _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/"'Scripts' $PATH

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    # fish has no prompt variable, it calls fish_prompt: keep the user's
    # function under another name and put a wrapper in its place.
    builtin functions -c fish_prompt _old_fish_prompt
    function fish_prompt
        set -l last_status $status

        # "(name) " with the name in Python blue. One call per piece: on a dumb
        # terminal set_color writes nothing, and an empty (set_color ...) among
        # printf's arguments would move the name into the wrong slot.
        builtin set_color 4B8BBE
        builtin printf '(%s)' 'proj $P & 100% ‘q’'
        builtin set_color normal
        builtin printf ' '

        # Sourcing "exit N" is a way to set $status, so the user's prompt sees
        # the status of the user's last command rather than ours.
        builtin printf 'exit %d\n' $last_status | builtin source -
        _old_fish_prompt
    end
    set -gx _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
