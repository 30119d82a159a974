# This file must be used with "source <venv>/bin/activate.fish" *from fish*
# (https://fishshell.com/). You cannot run it directly.
# Written by coil in the shape of CPython's venv script.

function deactivate  -d "Exit virtual environment and return to normal shell environment"
    # reset old environment variables; a saved value that is set but empty is restored too
    if set -q _OLD_VIRTUAL_PATH
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if set -q _OLD_VIRTUAL_PYTHONHOME
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end

    if test -n "$_OLD_FISH_PROMPT_OVERRIDE"
        set -e _OLD_FISH_PROMPT_OVERRIDE
        # prevents error when using nested fish instances (Issue #93858)
        if builtin functions -q _old_fish_prompt
            builtin functions -e fish_prompt
            builtin functions -c _old_fish_prompt fish_prompt
            builtin functions -e _old_fish_prompt
        end
    end

    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != "nondestructive"
        # Self-destruct!
        builtin functions -e deactivate
    end
end

# Unset irrelevant variables.
deactivate nondestructive

set -gx VIRTUAL_ENV 'C:\\Users\\user\\My Projects (x86)\\100% & co\\.venv'
if string match -qr 'CYGWIN|MSYS|MINGW' (uname)
    set -gx VIRTUAL_ENV (cygpath -u $VIRTUAL_ENV)
end

set -gx _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/"'Scripts' $PATH
set -gx VIRTUAL_ENV_PROMPT 'proj $P & 100% ‘q’'

# Unset PYTHONHOME if set.
if set -q PYTHONHOME
    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    # fish uses a function instead of an env var to generate the prompt.

    # Save the current fish_prompt function as the function _old_fish_prompt.
    builtin functions -c fish_prompt _old_fish_prompt

    # With the original prompt function renamed, we can override with our own.
    # Call every builtin through `builtin` so a user function that shadows
    # `printf`, `set_color`, `echo`, or `source`/`.` cannot hijack the prompt.
    function fish_prompt
        # Save the return status of the last command.
        set -l old_status $status

        # Output the venv prompt; color taken from the blue of the Python logo. Each part is
        # printed on its own: set_color prints nothing on a dumb terminal, and an empty command
        # substitution would shift printf's arguments.
        builtin set_color 4B8BBE
        builtin printf '(%s)' 'proj $P & 100% ‘q’'
        builtin set_color normal
        builtin printf ' '

        # Restore the return status of the previous command.
        builtin echo "exit $old_status" | builtin source -
        # Output the original/"old" prompt.
        _old_fish_prompt
    end

    set -gx _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
