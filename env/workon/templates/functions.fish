# virtualenvwrapper's functions, done by coil: workon, mkvirtualenv, mkproject, … (coil workon --help)
# In fish the sourced hooks are the .fish files: postactivate.fish, predeactivate.fish, …
# coil sees virtualenvwrapper's variables even when they are set but not exported.
function __coil
    WORKON_HOME="$WORKON_HOME" PROJECT_HOME="$PROJECT_HOME" \
    VIRTUALENVWRAPPER_HOOK_DIR="$VIRTUALENVWRAPPER_HOOK_DIR" \
    VIRTUALENVWRAPPER_WORKON_CD="$VIRTUALENVWRAPPER_WORKON_CD" \
    VIRTUALENVWRAPPER_PROJECT_FILENAME="$VIRTUALENVWRAPPER_PROJECT_FILENAME" {{.Self}} $argv
end
function __coil_eval
    set -l __coil_out (__coil $argv)
    or return
    string join \n -- $__coil_out | source
end
function __coil_workon_home
    if test -n "$WORKON_HOME"
        echo $WORKON_HOME
    else
        echo $HOME/.virtualenvs
    end
end
function __coil_hook_dir
    if test -n "$VIRTUALENVWRAPPER_HOOK_DIR"
        echo $VIRTUALENVWRAPPER_HOOK_DIR
    else
        __coil_workon_home
    end
end
function __coil_run
    set -l __coil_d $PWD
    builtin cd $argv[1]; or return
    $argv[2..-1]
    set -l __coil_s $status
    builtin cd $__coil_d
    return $__coil_s
end
function __coil_deactivate_current
    functions -q deactivate; and deactivate
    return 0
end
# A new environment whose pip install failed is deactivated and removed again.
function __coil_abandon
    __coil_deactivate_current
    __coil wrapper abandon $argv[1]
end
function __coil_activate
    source $argv[1]; or return
    functions -q deactivate; or return 0
    functions -e __coil_venv_deactivate
    functions -c deactivate __coil_venv_deactivate
    function deactivate
        __coil_deactivate $argv
    end
end
function __coil_deactivate
    set -l __coil_env "$VIRTUAL_ENV"
    set -l __coil_hooks (__coil_hook_dir)
    test -n "$__coil_env"; and test -f "$__coil_env/bin/predeactivate.fish"; and source "$__coil_env/bin/predeactivate.fish"
    test -f "$__coil_hooks/predeactivate.fish"; and source "$__coil_hooks/predeactivate.fish"
    __coil_venv_deactivate $argv
    set -g VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV "$__coil_env"
    test -n "$__coil_env"; and test -f "$__coil_env/bin/postdeactivate.fish"; and source "$__coil_env/bin/postdeactivate.fish"
    test -f "$__coil_hooks/postdeactivate.fish"; and source "$__coil_hooks/postdeactivate.fish"
    set -e VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV
    if test "$argv[1]" != nondestructive
        functions -e deactivate __coil_venv_deactivate
    end
    return 0
end
# virtualenvwrapper's check, with its words: a missing WORKON_HOME is made, with a note.
function virtualenvwrapper_verify_workon_home
    set -l __coil_wh (__coil_workon_home)
    test -d "$__coil_wh/"; and return 0
    test "$argv[1]" = -q; or echo "NOTE: Virtual environments directory $__coil_wh does not exist. Creating..." >&2
    command mkdir -p "$__coil_wh"
end
function virtualenvwrapper_verify_active_environment
    if test -z "$VIRTUAL_ENV"; or not test -d "$VIRTUAL_ENV"
        echo "ERROR: no virtualenv active, or active virtualenv is missing" >&2
        return 1
    end
end
function workon; virtualenvwrapper_verify_workon_home; or return 1; __coil_eval workon --emit=fish $argv; end
function mkvirtualenv
    virtualenvwrapper_verify_workon_home; or return 1
    __coil_eval wrapper mkvirtualenv --emit=fish (string split -n ' ' -- "$VIRTUALENVWRAPPER_VIRTUALENV_ARGS") $argv
end
function mktmpenv
    virtualenvwrapper_verify_workon_home; or return 1
    __coil_eval wrapper mktmpenv --emit=fish (string split -n ' ' -- "$VIRTUALENVWRAPPER_VIRTUALENV_ARGS") $argv
end
function cpvirtualenv
    virtualenvwrapper_verify_workon_home; or return 1
    if test -z "$argv[1]"
        echo "Please provide a valid virtualenv to copy."
        return 1
    end
    __coil_eval wrapper cpvirtualenv --emit=fish $argv
end
function mkproject; __coil_eval wrapper mkproject --emit=fish $argv; end
function cdproject; __coil_eval wrapper cdproject --emit=fish $argv; end
function cdvirtualenv; __coil_eval wrapper cdvirtualenv --emit=fish $argv; end
function cdsitepackages; __coil_eval wrapper cdsitepackages --emit=fish $argv; end
function rmvirtualenv
    virtualenvwrapper_verify_workon_home; or return 1
    __coil wrapper rmvirtualenv $argv
    set -l __coil_s $status
    test -d "$PWD"; or builtin cd (__coil_workon_home)
    return $__coil_s
end
function lsvirtualenv; __coil wrapper lsvirtualenv $argv; end
function showvirtualenv; __coil wrapper showvirtualenv $argv; end
function allvirtualenv; __coil wrapper allvirtualenv $argv; end
function lssitepackages; __coil wrapper lssitepackages $argv; end
function add2virtualenv; __coil wrapper add2virtualenv $argv; end
function toggleglobalsitepackages; __coil wrapper toggleglobalsitepackages $argv; end
function wipeenv; __coil wrapper wipeenv $argv; end
function setvirtualenvproject; __coil wrapper setvirtualenvproject $argv; end
function __coil_envs
    set -l __coil_cfgs (__coil_workon_home)/*/pyvenv.cfg
    test (count $__coil_cfgs) -gt 0; or return
    string replace -r '^.*/([^/]+)/pyvenv\.cfg$' '$1' -- $__coil_cfgs
end
function __coil_env_dirs
    test -n "$VIRTUAL_ENV"; or return
    set -l __coil_base $VIRTUAL_ENV
    if test "$argv[1]" = site
        set -l __coil_sp $VIRTUAL_ENV/lib/*/site-packages
        test (count $__coil_sp) -gt 0; or return
        set __coil_base $__coil_sp[1]
    end
    set -l __coil_dirs $__coil_base/(commandline -ct)*/
    test (count $__coil_dirs) -gt 0; or return
    string replace -- $__coil_base/ '' $__coil_dirs
end
complete -c workon -f -a '(__coil_envs)'
complete -c rmvirtualenv -f -a '(__coil_envs)'
complete -c cpvirtualenv -f -a '(__coil_envs)'
complete -c showvirtualenv -f -a '(__coil_envs)'
complete -c setvirtualenvproject -a '(__coil_envs)'
complete -c cdvirtualenv -f -a '(__coil_env_dirs)'
complete -c cdsitepackages -f -a '(__coil_env_dirs site)'
{{- if .Completion}}
function __coil_lazy_complete
    complete -c coil -e
    {{.Self}} completion fish 2>/dev/null | source
    complete -C (commandline -cp)
end
complete -c coil -f -a '(__coil_lazy_complete)'
{{- end}}
{{- if .Auto}}
function __coil_auto_activate --on-event fish_prompt
    test "$COIL_AUTO_ACTIVATE" = 0; and return
    test "$__coil_auto_pwd" = "$PWD"; and return
    set -g __coil_auto_pwd $PWD
    __coil_eval workon --auto --emit=fish
end
{{- end}}
# As virtualenvwrapper does when it is loaded: WORKON_HOME and the global hook files exist, then
# the initialize hook runs (coil starts only when a hook file is missing).
virtualenvwrapper_verify_workon_home -q
set -l __coil_hooks (__coil_hook_dir)
for __coil_h in initialize premkvirtualenv postmkvirtualenv prermvirtualenv postrmvirtualenv predeactivate postdeactivate preactivate postactivate get_env_details premkproject postmkproject
    if not test -f "$__coil_hooks/$__coil_h"
        __coil env hooks --create >/dev/null
        break
    end
end
test -f "$__coil_hooks/initialize.fish"; and source "$__coil_hooks/initialize.fish"
true
