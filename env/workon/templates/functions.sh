# virtualenvwrapper's functions, done by coil: workon, mkvirtualenv, mkproject, … (coil workon --help)
# coil sees virtualenvwrapper's variables even when they are set but not exported.
function __coil {
    WORKON_HOME="${WORKON_HOME-}" PROJECT_HOME="${PROJECT_HOME-}" \
    VIRTUALENVWRAPPER_HOOK_DIR="${VIRTUALENVWRAPPER_HOOK_DIR-}" \
    VIRTUALENVWRAPPER_WORKON_CD="${VIRTUALENVWRAPPER_WORKON_CD-}" \
    VIRTUALENVWRAPPER_PROJECT_FILENAME="${VIRTUALENVWRAPPER_PROJECT_FILENAME-}" {{.Self}} "$@"
}
function __coil_eval {
    local __coil_out
    __coil_out="$(__coil "$@")" || return
    eval "$__coil_out"
}
function __coil_run {
    ( builtin cd -- "$1" && shift && exec "$@" )
}
# virtualenvwrapper's helper functions, for the hooks, plugins and rc files that call them: the
# same names, arguments, output and exit status (env/workon/doc.go lists where coil differs).
VIRTUALENVWRAPPER_ENV_BIN_DIR=bin
export VIRTUALENVWRAPPER_PROJECT_FILENAME="${VIRTUALENVWRAPPER_PROJECT_FILENAME:-.project}"
export VIRTUALENVWRAPPER_WORKON_CD="${VIRTUALENVWRAPPER_WORKON_CD:-1}"
# The lazy loader (virtualenvwrapper_lazy.sh) sources VIRTUALENVWRAPPER_SCRIPT: name this file
# when the integration is read from a saved copy of `coil init`, never the rc file that evals it.
if [ -z "${VIRTUALENVWRAPPER_SCRIPT-}" ]; then
{{- if eq .Shell "zsh"}}
    __coil_src="${(%):-%x}"
{{- else}}
    __coil_src="${BASH_SOURCE[0]-}"
{{- end}}
    if [ -n "$__coil_src" ] && [ -f "$__coil_src" ] && IFS= read -r __coil_l < "$__coil_src" 2>/dev/null &&
        [[ $__coil_l == '# coil shell integration'* ]]; then
        export VIRTUALENVWRAPPER_SCRIPT="$__coil_src"
    fi
    unset __coil_src __coil_l
fi
function virtualenvwrapper_cd {
{{- if eq .Shell "zsh"}}
    builtin cd -q "$@"
{{- else}}
    builtin cd "$@"
{{- end}}
}
function virtualenvwrapper_expandpath {
    [ -n "${1-}" ] || return 1
    __coil wrapper expandpath -- "$1"
}
function virtualenvwrapper_absolutepath {
    [ -n "${1-}" ] || return 1
    __coil wrapper abspath -- "$1"
}
function __coil_derive_workon_home {
    __coil_wh="${WORKON_HOME-}"
    [ -n "$__coil_wh" ] || __coil_wh="${HOME-}/.virtualenvs"
    # A relative WORKON_HOME is taken from HOME, as virtualenvwrapper does.
    case "$__coil_wh" in
    /*|'~'*) ;;
    *) __coil_wh="${HOME-}/${WORKON_HOME-}" ;;
    esac
    case "$__coil_wh" in
    *'$'*|*'~'*|*//*) __coil_wh="$(virtualenvwrapper_expandpath "$__coil_wh")" ;;
    esac
}
function virtualenvwrapper_derive_workon_home {
    local __coil_wh
    __coil_derive_workon_home
    printf '%s\n' "$__coil_wh"
}
function virtualenvwrapper_verify_workon_home {
    [ -d "$WORKON_HOME/" ] && return 0
    [ "${1-}" = -q ] || printf '%s\n' "NOTE: Virtual environments directory $WORKON_HOME does not exist. Creating..." >&2
    command mkdir -p "$WORKON_HOME"
}
function virtualenvwrapper_mktemp {
    command mktemp "$@"
}
function virtualenvwrapper_tempfile {
    local __coil_f
    __coil_f="$(virtualenvwrapper_mktemp -t "virtualenvwrapper-${1:-hook}-XXXXXXXXXX")" &&
        [ -n "$__coil_f" ] && command touch "$__coil_f" 2>/dev/null && [ -f "$__coil_f" ] || {
        printf '%s\n' "ERROR: virtualenvwrapper could not create a temporary file name." >&2
        return 1
    }
    printf '%s\n' "$__coil_f"
}
function virtualenvwrapper_run_hook {
    local __coil_hs __coil_s
    __coil_hs="$(virtualenvwrapper_tempfile "${1-}-hook")" || return 1
    ( virtualenvwrapper_cd "$WORKON_HOME" && __coil wrapper run-hook --script "$__coil_hs" "$@" )
    __coil_s=$?
    if [ $__coil_s -eq 0 ]; then
        builtin source "$__coil_hs"
    elif [ "${1-}" = initialize ]; then
        printf '%s\n' "virtualenvwrapper (coil): the initialize hooks could not be run; see the message above." >&2
    fi
    command rm -f "$__coil_hs"
    return $__coil_s
}
function virtualenvwrapper_setup_tab_completion { return 0; }
function virtualenvwrapper_initialize {
    local __coil_wh
    __coil_derive_workon_home
    export WORKON_HOME="$__coil_wh"
    virtualenvwrapper_verify_workon_home -q || return 1
    [ -n "${VIRTUALENVWRAPPER_HOOK_DIR-}" ] || VIRTUALENVWRAPPER_HOOK_DIR="$WORKON_HOME"
    export VIRTUALENVWRAPPER_HOOK_DIR
    [ -d "$VIRTUALENVWRAPPER_HOOK_DIR" ] || command mkdir -p "$VIRTUALENVWRAPPER_HOOK_DIR"
    # Every hook file there and nothing to log: source initialize without starting coil.
    local __coil_h
    for __coil_h in initialize premkvirtualenv postmkvirtualenv prermvirtualenv postrmvirtualenv \
        predeactivate postdeactivate preactivate postactivate get_env_details premkproject postmkproject; do
        if [ ! -f "$VIRTUALENVWRAPPER_HOOK_DIR/$__coil_h" ] || [ -n "${VIRTUALENVWRAPPER_LOG_FILE-}" ]; then
            virtualenvwrapper_run_hook initialize
            return 0
        fi
    done
    builtin source "$VIRTUALENVWRAPPER_HOOK_DIR/initialize"
    return 0
}
function virtualenvwrapper_verify_resource {
    local __coil_p
    __coil_p="$(command -v "${1-}" 2>/dev/null)"
    if [ -z "$__coil_p" ]; then
        printf '%s\n' "ERROR: virtualenvwrapper could not find ${1-} in your path" >&2
        return 1
    fi
    case "$__coil_p" in
    /*) [ -e "$__coil_p" ] || { printf '%s\n' "ERROR: Found ${1-} in path as \"$__coil_p\" but that does not exist" >&2; return 1; } ;;
    esac
    return 0
}
# coil creates and copies environments itself: an outside program is checked only when named.
# They keep virtualenvwrapper's defaults for the scripts that run them.
VIRTUALENVWRAPPER_VIRTUALENV="${VIRTUALENVWRAPPER_VIRTUALENV:-virtualenv}"
VIRTUALENVWRAPPER_VIRTUALENV_CLONE="${VIRTUALENVWRAPPER_VIRTUALENV_CLONE:-virtualenv-clone}"
function __coil_foreign {
    [ -n "${1-}" ] && [ "${1##*/}" != "$2" ]
}
function virtualenvwrapper_verify_virtualenv {
    __coil_foreign "${VIRTUALENVWRAPPER_VIRTUALENV-}" virtualenv || return 0
    virtualenvwrapper_verify_resource "$VIRTUALENVWRAPPER_VIRTUALENV"
}
function virtualenvwrapper_verify_virtualenv_clone {
    __coil_foreign "${VIRTUALENVWRAPPER_VIRTUALENV_CLONE-}" virtualenv-clone || return 0
    virtualenvwrapper_verify_resource "$VIRTUALENVWRAPPER_VIRTUALENV_CLONE"
}
function virtualenvwrapper_verify_workon_environment {
    if [ ! -d "$WORKON_HOME/${1-}" ]; then
        printf '%s\n' "ERROR: Environment '${1-}' does not exist. Create it with 'mkvirtualenv ${1-}'." >&2
        return 1
    fi
}
function virtualenvwrapper_verify_active_environment {
    if [ -z "${VIRTUAL_ENV-}" ] || [ ! -d "${VIRTUAL_ENV-}" ]; then
        printf '%s\n' "ERROR: no virtualenv active, or active virtualenv is missing" >&2
        return 1
    fi
}
function virtualenvwrapper_verify_project_home {
    if [ -z "${PROJECT_HOME-}" ]; then
        printf '%s\n' "ERROR: Set the PROJECT_HOME shell variable to the name of the directory where projects should be created." >&2
        return 1
    fi
    if [ ! -d "$PROJECT_HOME" ]; then
        [ "${1-}" = -q ] || printf '%s\n' "ERROR: Project directory '$PROJECT_HOME' does not exist.  Create it or set PROJECT_HOME to an existing directory." >&2
        return 1
    fi
}
function virtualenvwrapper_show_workon_options {
    virtualenvwrapper_verify_workon_home || return 1
    local __coil_a
{{- if eq .Shell "zsh"}}
    for __coil_a in "$WORKON_HOME"/*/bin/activate(N); do
{{- else}}
    for __coil_a in "$WORKON_HOME"/*/bin/activate; do
{{- end}}
        [ -e "$__coil_a" ] || continue
        __coil_a="${__coil_a%/bin/activate}"
        printf '%s\n' "${__coil_a##*/}"
    done
}
function virtualenvwrapper_get_python_version {
    "$VIRTUAL_ENV/bin/python" -V 2>&1 | command cut -f2 -d' ' | command cut -f-2 -d.
}
function virtualenvwrapper_get_site_packages_dir {
    __coil wrapper site-packages-dir
}
function virtualenvwrapper_mkvirtualenv_help { __coil wrapper mkvirtualenv --help 2>&1; }
function virtualenvwrapper_workon_help { __coil workon --help 2>&1; }
function virtualenvwrapper_mkproject_help { __coil wrapper mkproject --help 2>&1; }
function _lsvirtualenv_usage { __coil wrapper lsvirtualenv --help 2>&1; }
function virtualenvwrapper { __coil workon --help; }
function __coil_deactivate_current {
    if typeset -f deactivate >/dev/null 2>&1; then deactivate; fi
}
# A new environment whose pip install failed is deactivated and removed again.
function __coil_abandon {
    __coil_deactivate_current
    __coil wrapper abandon "$1"
}
function __coil_activate {
    builtin source "$1" || return
{{- if eq .Shell "zsh"}}
    (( $+functions[deactivate] )) || return 0
    functions[__coil_venv_deactivate]="${functions[deactivate]//deactivate/__coil_venv_deactivate}"
{{- else}}
    local __coil_f
    __coil_f="$(typeset -f deactivate)" || return 0
    eval "${__coil_f//deactivate/__coil_venv_deactivate}"
{{- end}}
    function deactivate { __coil_deactivate "$@"; }
}
function __coil_deactivate {
    local __coil_env="${VIRTUAL_ENV-}" __coil_hooks="${VIRTUALENVWRAPPER_HOOK_DIR:-${WORKON_HOME:-$HOME/.virtualenvs}}"
    [ -n "$__coil_env" ] && [ -f "$__coil_env/bin/predeactivate" ] && builtin source "$__coil_env/bin/predeactivate"
    [ -f "$__coil_hooks/predeactivate" ] && builtin source "$__coil_hooks/predeactivate"
    __coil_venv_deactivate "$@"
    VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV="$__coil_env"
    [ -n "$__coil_env" ] && [ -f "$__coil_env/bin/postdeactivate" ] && builtin source "$__coil_env/bin/postdeactivate"
    [ -f "$__coil_hooks/postdeactivate" ] && builtin source "$__coil_hooks/postdeactivate"
    unset VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV
    if [ "${1-}" != nondestructive ]; then
        unset -f deactivate __coil_venv_deactivate 2>/dev/null
    fi
    return 0
}
function workon {
    case "${1-}" in -h|--help) __coil workon --help; return 0 ;; esac
    virtualenvwrapper_verify_workon_home || return 1
    __coil_eval workon --emit={{.Shell}} "$@"
}
# mkvirtualenv and cpvirtualenv make environments natively; VIRTUALENVWRAPPER_VIRTUALENV (or
# _CLONE) naming another program than virtualenv (virtualenv-clone) has that program make it, in
# WORKON_HOME, as virtualenvwrapper does, and coil does the rest.
function mkvirtualenv {
    virtualenvwrapper_verify_workon_home || return 1
    virtualenvwrapper_verify_virtualenv || return 1
    if __coil_foreign "${VIRTUALENVWRAPPER_VIRTUALENV-}" virtualenv; then
        __coil_mkvirtualenv_with "$@"
        return
    fi
    __coil_eval wrapper mkvirtualenv --emit={{.Shell}} {{$.Split "VIRTUALENVWRAPPER_VIRTUALENV_ARGS"}} "$@"
}
function __coil_mkvirtualenv_with {
    local __coil_py="" __coil_proj="" __coil_reqs="" __coil_pkgs="" __coil_name __coil_a
    local -a __coil_args
    __coil_args=()
    while [ $# -gt 0 ]; do
        case "$1" in
        -a) shift
            if [ ! -d "${1-}" ]; then
                printf '%s\n' "Cannot associate project with ${1-}, it is not a directory" >&2
                return 1
            fi
            __coil_proj="$(virtualenvwrapper_absolutepath "$1")" ;;
        -h|--help) virtualenvwrapper_mkvirtualenv_help; return ;;
        -i) shift; __coil_pkgs="$__coil_pkgs ${1-}" ;;
        -p|--python) shift; __coil_py="${1-}" ;;
        --python=*) __coil_py="${1#--python=}" ;;
        -r) shift; __coil_reqs="$(virtualenvwrapper_expandpath "${1-}")" ;;
        *) __coil_args+=("$1") ;;
        esac
        shift
    done
    [ -z "$__coil_py" ] || __coil_args=("--python=$__coil_py" "${__coil_args[@]}")
    __coil_name="${__coil_args[${#__coil_args[@]}{{if ne .Shell "zsh"}}-1{{end}}]-}"
    (
        virtualenvwrapper_cd "$WORKON_HOME" &&
            "$VIRTUALENVWRAPPER_VIRTUALENV" {{$.Split "VIRTUALENVWRAPPER_VIRTUALENV_ARGS"}} "${__coil_args[@]}" &&
            [ -d "$WORKON_HOME/$__coil_name" ] && virtualenvwrapper_run_hook pre_mkvirtualenv "$__coil_name"
    ) || return
    [ -n "$__coil_name" ] && [ -d "$WORKON_HOME/$__coil_name" ] || return 0
    if [ -n "$__coil_proj" ]; then
        setvirtualenvproject "$WORKON_HOME/$__coil_name" "$__coil_proj" || return
    fi
    workon "$__coil_name"
    [ -z "$__coil_reqs" ] || pip install -r "$__coil_reqs"
    for __coil_a in {{$.Split "__coil_pkgs"}}; do pip install "$__coil_a"; done
    virtualenvwrapper_run_hook post_mkvirtualenv
}
function mktmpenv {
    virtualenvwrapper_verify_workon_home || return 1
    __coil_eval wrapper mktmpenv --emit={{.Shell}} {{$.Split "VIRTUALENVWRAPPER_VIRTUALENV_ARGS"}} "$@"
}
function cpvirtualenv {
    virtualenvwrapper_verify_workon_home || return 1
    virtualenvwrapper_verify_virtualenv_clone || return 1
    local __coil_src __coil_name __coil_dst
    if [ -z "${1-}" ]; then
        printf '%s\n' "Please provide a valid virtualenv to copy."
        return 1
    fi
    if [ -e "$WORKON_HOME/$1" ]; then
        __coil_src="$WORKON_HOME/$1" __coil_name="$1"
    else
        # a path to an environment to import
        __coil_src="$(virtualenvwrapper_expandpath "$1")"
        if [ ! -e "$__coil_src" ]; then
            printf '%s\n' "Please provide a valid virtualenv to copy."
            return 1
        fi
        __coil_name="${__coil_src##*/}"
    fi
    [ -z "${2-}" ] || __coil_name="$2"
    __coil_dst="$(virtualenvwrapper_expandpath "$WORKON_HOME/$__coil_name")"
    if [ -e "$__coil_dst" ]; then
        printf '%s\n' "$__coil_name virtualenv already exists."
        return 1
    fi
    printf '%s\n' "Copying ${__coil_src##*/} as $__coil_name..."
    if ! __coil_foreign "${VIRTUALENVWRAPPER_VIRTUALENV_CLONE-}" virtualenv-clone; then
        __coil_eval wrapper cpvirtualenv --emit={{.Shell}} "$__coil_src" "$__coil_name"
        return
    fi
    (
        virtualenvwrapper_cd "$WORKON_HOME" &&
            "$VIRTUALENVWRAPPER_VIRTUALENV_CLONE" "$__coil_src" "$__coil_dst"
        [ -d "$__coil_dst" ] &&
            virtualenvwrapper_run_hook pre_cpvirtualenv "$__coil_src" "$__coil_name" &&
            virtualenvwrapper_run_hook pre_mkvirtualenv "$__coil_name"
    ) || return
    [ -d "$WORKON_HOME/$__coil_name" ] || return 1
    workon "$__coil_name"
    virtualenvwrapper_run_hook post_mkvirtualenv
    virtualenvwrapper_run_hook post_cpvirtualenv
}
function mkproject {
    case "${1-}" in -h|--help) virtualenvwrapper_mkproject_help; return 0 ;; esac
    virtualenvwrapper_verify_project_home || return 1
    __coil_eval wrapper mkproject --emit={{.Shell}} {{$.Split "VIRTUALENVWRAPPER_VIRTUALENV_ARGS"}} "$@"
}
function __coil_active_fn {
    virtualenvwrapper_verify_workon_home || return 1
    virtualenvwrapper_verify_active_environment || return 1
    "$@"
}
function cdproject { __coil_active_fn __coil_eval wrapper cdproject --emit={{.Shell}} "$@"; }
function cdvirtualenv { __coil_active_fn __coil_eval wrapper cdvirtualenv --emit={{.Shell}} "$@"; }
function cdsitepackages { __coil_active_fn __coil_eval wrapper cdsitepackages --emit={{.Shell}} "$@"; }
function rmvirtualenv {
    virtualenvwrapper_verify_workon_home || return 1
    __coil wrapper rmvirtualenv "$@"
    local __coil_s=$?
    [ -d "$PWD" ] || builtin cd -- "$WORKON_HOME"
    return $__coil_s
}
function lsvirtualenv {
    virtualenvwrapper_verify_workon_home || return 1
    __coil wrapper lsvirtualenv "$@"
}
function showvirtualenv { __coil wrapper showvirtualenv "$@"; }
function allvirtualenv {
    virtualenvwrapper_verify_workon_home || return 1
    __coil wrapper allvirtualenv "$@"
}
function lssitepackages { __coil_active_fn __coil wrapper lssitepackages "$@"; }
function add2virtualenv { __coil_active_fn __coil wrapper add2virtualenv "$@"; }
function toggleglobalsitepackages { __coil_active_fn __coil wrapper toggleglobalsitepackages "$@"; }
function wipeenv { __coil_active_fn __coil wrapper wipeenv "$@"; }
function setvirtualenvproject { __coil wrapper setvirtualenvproject "$@"; }
{{- if eq .Shell "zsh"}}
function _coil_envs {
    local -a __coil_envs
    __coil_envs=( ${WORKON_HOME:-$HOME/.virtualenvs}/*/pyvenv.cfg(N:h:t) )
    compadd -a __coil_envs
}
function _coil_cdvirtualenv {
    [[ -n ${VIRTUAL_ENV-} ]] && _path_files -W "$VIRTUAL_ENV" -/
}
function _coil_cdsitepackages {
    local -a __coil_sp
    __coil_sp=( ${VIRTUAL_ENV:-/nonexistent}/lib/*/site-packages(N/) )
    (( $#__coil_sp )) && _path_files -W "$__coil_sp[1]" -/
}
function _coil_compctl_envs {
    reply=( ${WORKON_HOME:-$HOME/.virtualenvs}/*/pyvenv.cfg(N:h:t) )
}
{{- if .Completion}}
function _coil_lazy {
    unfunction _coil_lazy
    builtin source <({{.Self}} completion zsh 2>/dev/null)
    (( $+functions[_coil] )) && _coil "$@"
}
{{- end}}
# Completion needs compinit, which ~/.zshrc may run after this: register at the first prompt then.
function __coil_compdef {
    if (( $+functions[compdef] )); then
        compdef _coil_envs workon rmvirtualenv cpvirtualenv showvirtualenv setvirtualenvproject
        compdef _coil_cdvirtualenv cdvirtualenv
        compdef _coil_cdsitepackages cdsitepackages
{{- if .Completion}}
        compdef _coil_lazy coil
{{- end}}
    else
        compctl -K _coil_compctl_envs workon rmvirtualenv cpvirtualenv showvirtualenv setvirtualenvproject
    fi
}
function __coil_compdef_once {
    add-zsh-hook -d precmd __coil_compdef_once
    __coil_compdef
}
autoload -Uz add-zsh-hook
if (( $+functions[compdef] )); then __coil_compdef; else add-zsh-hook precmd __coil_compdef_once; fi
{{- else}}
function _coil_envs {
    local __coil_cur="${COMP_WORDS[COMP_CWORD]}" __coil_d __coil_q
    COMPREPLY=()
    for __coil_d in "${WORKON_HOME:-$HOME/.virtualenvs}"/*/pyvenv.cfg; do
        [ -f "$__coil_d" ] || continue
        __coil_d="${__coil_d%/pyvenv.cfg}"
        __coil_d="${__coil_d##*/}"
        [[ "$__coil_d" == "$__coil_cur"* ]] || continue
        printf -v __coil_q '%q' "$__coil_d"
        COMPREPLY+=("$__coil_q")
    done
}
function _coil_cddirs {
    COMPREPLY=()
    [ -d "$1" ] || return 0
    local IFS=$'\n'
    COMPREPLY=( $(builtin cd -- "$1" && compgen -d -- "${COMP_WORDS[COMP_CWORD]}") )
}
function _coil_cdvirtualenv { _coil_cddirs "${VIRTUAL_ENV:-/nonexistent}"; }
function _coil_cdsitepackages {
    local __coil_sp
    for __coil_sp in "${VIRTUAL_ENV:-/nonexistent}"/lib/*/site-packages; do break; done
    _coil_cddirs "$__coil_sp"
}
complete -F _coil_envs workon rmvirtualenv cpvirtualenv showvirtualenv setvirtualenvproject
complete -o nospace -S / -F _coil_cdvirtualenv cdvirtualenv
complete -o nospace -S / -F _coil_cdsitepackages cdsitepackages
{{- if .Completion}}
function _coil_lazy {
    complete -r coil
    # cobra's script needs bash-completion's _get_comp_words_by_ref: a minimal one without it.
    declare -F _get_comp_words_by_ref >/dev/null || function _get_comp_words_by_ref {
        cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cword=$COMP_CWORD
        words=("${COMP_WORDS[@]}")
    }
    builtin source <({{.Self}} completion bash 2>/dev/null)
    return 124
}
complete -F _coil_lazy coil
{{- end}}
{{- end}}
{{- if .Auto}}
function __coil_auto_activate {
    local __coil_s=$?
    if [ "${COIL_AUTO_ACTIVATE-}" != 0 ] && [ "${__coil_auto_pwd-}" != "$PWD" ]; then
        __coil_auto_pwd="$PWD"
        __coil_eval workon --auto --emit={{.Shell}}
    fi
    return $__coil_s
}
{{- if eq .Shell "zsh"}}
add-zsh-hook precmd __coil_auto_activate
{{- else}}
case ";${PROMPT_COMMAND-};" in
*";__coil_auto_activate;"*) ;;
*) PROMPT_COMMAND="__coil_auto_activate${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
{{- end}}
{{- end}}
virtualenvwrapper_initialize
true
